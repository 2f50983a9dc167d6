namespace Podium.Tracking;

/// <summary>One value of a metric series.</summary>
/// <param name="Step">The step (batch or epoch counter) the value belongs to.</param>
/// <param name="Value">The value; NaN and ±Infinity are kept as they are.</param>
/// <param name="Timestamp">When it was logged.</param>
/// <param name="Epoch">The epoch it belongs to, when known.</param>
public readonly record struct MetricPoint(long Step, double Value, DateTimeOffset Timestamp, int? Epoch = null);
