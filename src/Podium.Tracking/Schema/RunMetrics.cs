namespace Podium.Tracking.Schema;

/// <summary>
/// The metric names Podium's pipeline logs and its leaderboard, CLI and web UI read. Training metrics carry Keras's
/// names (the engine's logs, one value per epoch); evaluation metrics are logged once, at the last epoch's step.
/// </summary>
public static class RunMetrics
{
    /// <summary>Training loss, the mean over the epoch's samples.</summary>
    public const string Loss = "loss";

    /// <summary>Training accuracy over the epoch's samples.</summary>
    public const string Accuracy = "accuracy";

    /// <summary>Prefix of a metric's value on the validation data: val_loss, val_accuracy.</summary>
    public const string ValidationPrefix = "val_";

    /// <summary>Validation loss after each epoch; its lowest epoch is the best.</summary>
    public const string ValLoss = "val_loss";

    /// <summary>Validation accuracy after each epoch: the leaderboard's default ranking.</summary>
    public const string ValAccuracy = "val_accuracy";

    /// <summary>The optimizer's learning rate during each epoch.</summary>
    public const string LearningRate = "learning_rate";

    /// <summary>Per-layer L2 norm of the weights after each epoch: weight_norm/LAYER.</summary>
    public const string WeightNormPrefix = "weight_norm/";

    /// <summary>Per-layer L2 norm of the last batch's gradient in each epoch: gradient_norm/LAYER.</summary>
    public const string GradientNormPrefix = "gradient_norm/";

    /// <summary>Epochs actually trained.</summary>
    public const string EpochsTrained = "epochs_trained";

    /// <summary>The epoch whose weights were kept as best (lowest val_loss).</summary>
    public const string BestEpoch = "best_epoch";

    /// <summary>Seconds spent in fit, tracking included; differs on every run.</summary>
    public const string FitSeconds = "fit_seconds";

    /// <summary>Seconds of fit spent recording; differs on every run.</summary>
    public const string TrackingSeconds = "tracking_seconds";

    /// <summary>Accuracy of the evaluation's predictions on the validation data.</summary>
    public const string EvalAccuracy = "eval_accuracy";

    /// <summary>Top-2 accuracy on the validation data (more than two classes only).</summary>
    public const string Top2Accuracy = "top_2_accuracy";

    /// <summary>Cross-entropy of the predicted probabilities (scikit-learn's log_loss).</summary>
    public const string LogLoss = "log_loss";

    /// <summary>Mean of per-class precision.</summary>
    public const string PrecisionMacro = "precision_macro";

    /// <summary>Mean of per-class recall.</summary>
    public const string RecallMacro = "recall_macro";

    /// <summary>Mean of per-class F1.</summary>
    public const string F1Macro = "f1_macro";

    /// <summary>Per-class precision weighted by support.</summary>
    public const string PrecisionWeighted = "precision_weighted";

    /// <summary>Per-class recall weighted by support.</summary>
    public const string RecallWeighted = "recall_weighted";

    /// <summary>Per-class F1 weighted by support.</summary>
    public const string F1Weighted = "f1_weighted";

    /// <summary>Macro-averaged one-vs-rest ROC AUC.</summary>
    public const string RocAucMacro = "roc_auc_macro";

    /// <summary>Micro-averaged ROC AUC.</summary>
    public const string RocAucMicro = "roc_auc_micro";

    /// <summary>Per-class precision: precision/CLASS.</summary>
    public const string PrecisionPrefix = "precision/";

    /// <summary>Per-class recall: recall/CLASS.</summary>
    public const string RecallPrefix = "recall/";

    /// <summary>Per-class F1: f1/CLASS.</summary>
    public const string F1Prefix = "f1/";

    /// <summary>Prefix of the evaluation of a test split, logged once after training: test_accuracy, test_f1_macro, test_precision/CLASS, ….</summary>
    public const string TestPrefix = "test_";

    /// <summary>On a sweep's run, the best trial's value of the sweep metric: best_METRIC.</summary>
    public const string BestPrefix = "best_";

    /// <summary>Metrics that measure time, not the model, and so differ on every run (reproduction skips them).</summary>
    public static IReadOnlyList<string> Timings { get; } = [FitSeconds, TrackingSeconds];
}
