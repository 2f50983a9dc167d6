namespace Podium.Nn.Callbacks;

/// <summary>What the monitoring callbacks share: reading the watched log, and which direction is better.</summary>
internal static class Monitor
{
    /// <summary>Whether larger is better: "max", "min", or "auto" (larger for accuracy and AUC, else smaller).</summary>
    public static bool Maximize(string monitor, string mode) => mode switch
    {
        "max" => true,
        "min" => false,
        "auto" => monitor.Contains("acc", StringComparison.Ordinal) || monitor.Contains("auc", StringComparison.Ordinal),
        _ => throw new ArgumentException($"unknown mode '{mode}'; use auto, min or max", nameof(mode)),
    };

    /// <summary>The watched value, or an error naming it and what was logged.</summary>
    public static double Read(IReadOnlyDictionary<string, double> logs, string monitor, string callback) =>
        logs.TryGetValue(monitor, out var value)
            ? value
            : throw new InvalidOperationException($"{callback} monitors '{monitor}', which training did not log; logged: {string.Join(", ", logs.Keys)}");
}
