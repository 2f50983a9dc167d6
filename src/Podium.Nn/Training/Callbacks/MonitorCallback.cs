namespace Podium.Nn.Training.Callbacks;

/// <summary>
/// A callback that watches one logged value and keeps its best so far (Keras's MonitorCallback): early stopping,
/// checkpoints that keep the best, and learning-rate plateaus share what counts as better.
/// </summary>
public abstract class MonitorCallback : Callback
{
    /// <summary>Watches <paramref name="monitor"/>; <paramref name="mode"/> is max, min, or auto (max for names with acc or auc, else min).</summary>
    protected MonitorCallback(string monitor, string mode, double minDelta)
    {
        Monitor = monitor;
        Maximize = mode switch
        {
            "max" => true,
            "min" => false,
            "auto" => monitor.Contains("acc", StringComparison.Ordinal) || monitor.Contains("auc", StringComparison.Ordinal),
            _ => throw new ArgumentException($"unknown mode '{mode}'; use auto, min or max", nameof(mode)),
        };
        MinDelta = Math.Abs(minDelta);
        ResetBest();
    }

    /// <summary>The log watched, e.g. val_loss.</summary>
    public string Monitor { get; }

    /// <summary>Whether larger is better.</summary>
    public bool Maximize { get; }

    /// <summary>The smallest change that counts as improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The best value so far: −∞ (or +∞ when smaller is better) before the first epoch.</summary>
    public double Best { get; private set; }

    /// <summary>The best epoch so far (1-based), 0 before the first.</summary>
    public int BestEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(FitContext context) => ResetBest();

    /// <summary>Forgets the best so far.</summary>
    protected void ResetBest() => (Best, BestEpoch) = (Maximize ? double.NegativeInfinity : double.PositiveInfinity, 0);

    /// <summary>
    /// Reads the watched value from an epoch's logs (an error names it and what was logged when it is missing); when it
    /// beats the best by more than <see cref="MinDelta"/>, it becomes the best and this returns true.
    /// </summary>
    protected bool Improved(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var current = logs.TryGetValue(Monitor, out var value)
            ? value
            : throw new InvalidOperationException($"{GetType().Name} monitors '{Monitor}', which training did not log; logged: {string.Join(", ", logs.Keys)}");
        if (!(Maximize ? current - MinDelta > Best : current + MinDelta < Best))
        {
            return false;
        }

        (Best, BestEpoch) = (current, epoch);
        return true;
    }
}
