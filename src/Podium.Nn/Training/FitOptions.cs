using Podium.Nn.Training.Callbacks;

namespace Podium.Nn.Training;

/// <summary>Changes a training batch in place before the step: augmentation, given the samples' indices and the epoch.</summary>
public delegate void BatchTransform(Tensor batch, ReadOnlySpan<int> samples, int epoch);

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

    /// <summary>Applied to each training batch after it is gathered (augmentation); validation data is not touched.</summary>
    public BatchTransform? Transform { get; init; }

    /// <summary>Stops training at the next batch boundary.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Progress as Keras's <c>verbose</c>: 0 silent, 1 a progress bar redrawn after each batch, 2 one line per epoch;
    /// null (the default) is 1 when <see cref="Output"/> is a terminal and 0 otherwise. A <see cref="ProgressBar"/>
    /// among <see cref="Callbacks"/> takes its place.
    /// </summary>
    public int? Verbose { get; init; }

    /// <summary>Where <see cref="Verbose"/> progress goes; null for the console's standard output.</summary>
    public TextWriter? Output { get; init; }
}
