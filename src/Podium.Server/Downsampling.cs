using Podium.Tracking;

namespace Podium.Server;

/// <summary>Shrinks a long metric series for drawing, keeping its shape: the first and last points, and each bucket's lowest and highest.</summary>
public static class Downsampling
{
    /// <summary>At most <paramref name="maxPoints"/> points (at least 4) in step order; a series that fits is returned whole.</summary>
    public static IReadOnlyList<MetricPoint> MinMax(IReadOnlyList<MetricPoint> series, int maxPoints)
    {
        maxPoints = Math.Max(4, maxPoints);
        if (series.Count <= maxPoints)
        {
            return series;
        }

        // The first and last points stay; the rest fall into buckets that each keep two points.
        var buckets = (maxPoints - 2) / 2;
        var inner = series.Count - 2;
        var kept = new List<MetricPoint>(maxPoints) { series[0] };
        for (var b = 0; b < buckets; b++)
        {
            var from = 1 + (int)((long)inner * b / buckets);
            var to = 1 + (int)((long)inner * (b + 1) / buckets);
            var (low, high) = (from, from);
            for (var i = from; i < to; i++)
            {
                // NaN never wins a comparison, so a bucket of NaNs keeps its first point.
                if (series[i].Value < series[low].Value)
                {
                    low = i;
                }

                if (series[i].Value > series[high].Value)
                {
                    high = i;
                }
            }

            kept.Add(series[Math.Min(low, high)]);
            if (low != high)
            {
                kept.Add(series[Math.Max(low, high)]);
            }
        }

        kept.Add(series[^1]);
        return kept;
    }
}
