namespace Podium.Tracking.Schema;

/// <summary>The param names Podium's pipeline logs for every run (a run spec's fields carry the same names).</summary>
public static class RunParams
{
    /// <summary>The model's name in the zoo, e.g. basic_cnn.</summary>
    public const string Model = "model";

    /// <summary>The zoo model's width multiplier (filters per layer).</summary>
    public const string ModelWidth = "model_width";

    /// <summary>Convolution padding: same or valid.</summary>
    public const string Padding = "padding";

    /// <summary>The optimizer's name, one of the engine's (adam, sgd, rmsprop, adagrad).</summary>
    public const string Optimizer = "optimizer";

    /// <summary>The optimizer's learning rate at the start.</summary>
    public const string LearningRate = "learning_rate";

    /// <summary>The loss's name, one of the engine's.</summary>
    public const string Loss = "loss";

    /// <summary>Samples per training step.</summary>
    public const string BatchSize = "batch_size";

    /// <summary>Epochs asked for.</summary>
    public const string Epochs = "epochs";

    /// <summary>Early stopping's patience, in epochs.</summary>
    public const string Patience = "patience";

    /// <summary>nostop (every epoch) or early (early stopping on val_loss).</summary>
    public const string FitMode = "fit_mode";

    /// <summary>The seed that fixes weights, shuffling, dropout and augmentation.</summary>
    public const string Seed = "seed";

    /// <summary>Input width in pixels.</summary>
    public const string Width = "width";

    /// <summary>Input height in pixels.</summary>
    public const string Height = "height";

    /// <summary>Input channels.</summary>
    public const string Channels = "channels";

    /// <summary>Classes in the training data.</summary>
    public const string NumClasses = "num_classes";

    /// <summary>On a sweep's run: grid, random or halving.</summary>
    public const string SweepMethod = "sweep_method";

    /// <summary>On a sweep's run: the metric trials are ranked by.</summary>
    public const string SweepMetric = "sweep_metric";

    /// <summary>On a sweep's run: maximize or minimize.</summary>
    public const string SweepGoal = "sweep_goal";

    /// <summary>On a sweep's run: the params its trials vary, comma-separated, in the spec's order.</summary>
    public const string SweepParams = "sweep_params";
}
