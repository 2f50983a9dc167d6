using Podium.Nn;

namespace Podium.Experiments;

/// <summary>How a run trains, as a front end (the CLI, a notebook, a worker) sets it. Nothing here changes a result.</summary>
public sealed record TrainingOptions
{
    /// <summary>Threads for training and augmentation; null leaves the engine's setting (every core by default).</summary>
    public int? Threads { get; init; }

    /// <summary>Where Keras-style progress is written; null leaves it to <see cref="Verbose"/> on the console.</summary>
    public TextWriter? Progress { get; init; }

    /// <summary>Whether <see cref="Progress"/> is a terminal: a bar redrawn per batch, else one line per epoch (Keras's verbose=2).</summary>
    public bool ProgressOnTerminal { get; init; }

    /// <summary>The terminal's width, when <see cref="Progress"/> is one: progress lines are kept within it.</summary>
    public int? ProgressWidth { get; init; }

    /// <summary>
    /// Without <see cref="Progress"/>: Keras's verbose on the console, 0 silent, 1 a progress bar, 2 a line per epoch;
    /// null (the default) shows the bar when the console is a terminal and nothing otherwise.
    /// </summary>
    public int? Verbose { get; init; }

    /// <summary>Stops training at the next batch boundary; the run is then marked killed, keeping its finished epochs.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Sets the engine's threads to <see cref="Threads"/> (when given) for all that follows in this process: image
    /// loading, augmentation and training. <see cref="ExperimentRun.Fit"/> calls it; call it first to cover loading too.
    /// </summary>
    public void ApplyThreads()
    {
        if (Threads is { } threads)
        {
            Engine.Threads = threads;
        }
    }
}
