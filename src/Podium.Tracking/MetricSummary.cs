namespace Podium.Tracking;

/// <summary>What a leaderboard needs of one metric series, kept on write so no history is scanned.</summary>
/// <param name="Key">The metric's name.</param>
/// <param name="Last">The value logged last (the highest step; the latest among equal steps).</param>
/// <param name="LastStep">The step of <paramref name="Last"/>.</param>
/// <param name="Min">The smallest value that is not NaN, or NaN when every value is NaN.</param>
/// <param name="MinStep">The step of the first occurrence of <paramref name="Min"/>.</param>
/// <param name="Max">The largest value that is not NaN, or NaN when every value is NaN.</param>
/// <param name="MaxStep">The step of the first occurrence of <paramref name="Max"/>.</param>
/// <param name="Count">How many points the series has.</param>
public sealed record MetricSummary(string Key, double Last, long LastStep, double Min, long MinStep, double Max, long MaxStep, long Count)
{
    /// <summary>Starts a summary from one point.</summary>
    internal static MetricSummary Of(string key, MetricPoint p) =>
        new(key, p.Value, p.Step, p.Value, p.Step, p.Value, p.Step, 1);

    /// <summary>Folds one more point in, in logging order.</summary>
    internal MetricSummary With(MetricPoint p)
    {
        // "Last" follows the step, as MLflow's latest metric does: a point logged later with a
        // smaller step does not replace it; an equal step does.
        var (last, lastStep) = p.Step >= LastStep ? (p.Value, p.Step) : (Last, LastStep);
        var (min, minStep) = (Min, MinStep);
        var (max, maxStep) = (Max, MaxStep);
        if (!double.IsNaN(p.Value))
        {
            if (double.IsNaN(min) || p.Value < min)
            {
                (min, minStep) = (p.Value, p.Step);
            }

            if (double.IsNaN(max) || p.Value > max)
            {
                (max, maxStep) = (p.Value, p.Step);
            }
        }

        return new MetricSummary(Key, last, lastStep, min, minStep, max, maxStep, Count + 1);
    }
}
