namespace Podium.Tracking.Leaderboards;

/// <summary>The param and metric keys the default leaderboard columns read; the pipeline logs under these names.</summary>
public static class StandardKeys
{
    /// <summary>Validation accuracy (metric).</summary>
    public const string ValAccuracy = "val_accuracy";

    /// <summary>Mean of per-class precision (metric).</summary>
    public const string PrecisionMacro = "precision_macro";

    /// <summary>Mean of per-class recall (metric).</summary>
    public const string RecallMacro = "recall_macro";

    /// <summary>Mean of per-class F1 (metric).</summary>
    public const string F1Macro = "f1_macro";

    /// <summary>Macro-averaged one-vs-rest ROC AUC (metric).</summary>
    public const string RocAucMacro = "roc_auc_macro";

    /// <summary>Epochs actually trained (metric).</summary>
    public const string EpochsTrained = "epochs_trained";

    /// <summary>The epoch whose weights were kept (metric).</summary>
    public const string BestEpoch = "best_epoch";

    /// <summary>Per-class precision metrics are named precision/CLASS.</summary>
    public const string PrecisionPrefix = "precision/";

    /// <summary>Per-class recall metrics are named recall/CLASS.</summary>
    public const string RecallPrefix = "recall/";

    /// <summary>The model's name (param), e.g. basic_cnn.</summary>
    public const string Model = "model";

    /// <summary>The optimizer (param).</summary>
    public const string Optimizer = "optimizer";

    /// <summary>The loss (param).</summary>
    public const string Loss = "loss";

    /// <summary>Batch size (param).</summary>
    public const string BatchSize = "batch_size";

    /// <summary>Epochs asked for (param).</summary>
    public const string Epochs = "epochs";

    /// <summary>Input width (param).</summary>
    public const string Width = "width";

    /// <summary>Input height (param).</summary>
    public const string Height = "height";

    /// <summary>Input channels (param).</summary>
    public const string Channels = "channels";
}
