using System.Collections;

namespace Podium.Tracking;

/// <summary>
/// A batch's metric points, kept as series: one list of points per key, keys in the order they first came, points in
/// the order they were logged. The shape a store writes (a chunk per series) and the remote protocol carries
/// (parallel arrays per series), so a point logged is never regrouped on its way to the store.
/// </summary>
public sealed class MetricBatch : IEnumerable<KeyValuePair<string, List<MetricPoint>>>
{
    private readonly Dictionary<string, List<MetricPoint>> _series = new(StringComparer.Ordinal);

    /// <summary>Points in all series.</summary>
    public int Count { get; private set; }

    /// <summary>Appends a point to its series.</summary>
    public void Add(KeyValuePair<string, MetricPoint> point) => Add(point.Key, point.Value);

    /// <summary>Appends a point to the series of <paramref name="key"/>.</summary>
    public void Add(string key, MetricPoint point)
    {
        if (!_series.TryGetValue(key, out var points))
        {
            _series[key] = points = [];
        }

        points.Add(point);
        Count++;
    }

    /// <summary>Appends points, each to its series.</summary>
    public void AddRange(IEnumerable<KeyValuePair<string, MetricPoint>> points)
    {
        foreach (var point in points)
        {
            Add(point);
        }
    }

    /// <summary>Empties the batch.</summary>
    public void Clear()
    {
        _series.Clear();
        Count = 0;
    }

    /// <summary>Every point with its key, series by series.</summary>
    public IEnumerable<KeyValuePair<string, MetricPoint>> Points() =>
        _series.SelectMany(series => series.Value.Select(point => new KeyValuePair<string, MetricPoint>(series.Key, point)));

    /// <summary>The series, in the order their keys first came.</summary>
    public IEnumerator<KeyValuePair<string, List<MetricPoint>>> GetEnumerator() => _series.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
