namespace Podium.Nn.Training;

/// <summary>What callbacks see and change during <see cref="Sequential.Fit"/>.</summary>
public sealed class FitContext
{
    internal FitContext(Sequential model, History history, FitOptions options)
    {
        Model = model;
        History = history;
        Options = options;
    }

    /// <summary>The model being trained.</summary>
    public Sequential Model { get; }

    /// <summary>The epochs recorded so far.</summary>
    public History History { get; }

    /// <summary>The options Fit was called with.</summary>
    public FitOptions Options { get; }

    /// <summary>The loss of the batch just trained.</summary>
    public double BatchLoss { get; internal set; }

    /// <summary>The mean loss over the epoch's batches so far (what Keras's progress bar shows).</summary>
    public double RunningLoss { get; internal set; }

    /// <summary>The accuracy over the epoch's samples so far.</summary>
    public double RunningAccuracy { get; internal set; }

    /// <summary>Whether training will stop at the next boundary.</summary>
    public bool StopTraining { get; private set; }

    /// <summary>Why training stops, once it does.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Asks training to stop, saying why.</summary>
    public void Stop(string reason)
    {
        StopTraining = true;
        StopReason ??= reason;
    }
}
