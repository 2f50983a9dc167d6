namespace Podium.Tracking;

/// <summary>How a <see cref="Tracker"/> records runs.</summary>
public sealed class TrackerOptions
{
    /// <summary>The clock for start, end and metric times.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Whether to read git and the command line into each run's source.</summary>
    public bool CaptureSource { get; init; } = true;

    /// <summary>Buffered metric points that trigger a write.</summary>
    public int FlushPoints { get; init; } = 20_000;

    /// <summary>The longest a logged point waits in memory before it is written (checked when logging).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);
}
