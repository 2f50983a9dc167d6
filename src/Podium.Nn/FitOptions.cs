namespace Podium.Nn;

/// <summary>How <see cref="Sequential.Fit"/> trains.</summary>
public sealed class FitOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Samples per step; the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Shuffle the training data every epoch (from <see cref="Seed"/>).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Fixes the shuffling (the weights are fixed by the seed given to Build).</summary>
    public long Seed { get; init; }

    /// <summary>Data evaluated after each epoch, giving val_loss and val_accuracy.</summary>
    public (Tensor X, Tensor Y)? Validation { get; init; }

    /// <summary>Called at train, epoch and batch boundaries.</summary>
    public IReadOnlyList<Callback> Callbacks { get; init; } = [];

    /// <summary>Stops training at the next batch boundary.</summary>
    public CancellationToken Cancellation { get; init; }
}
