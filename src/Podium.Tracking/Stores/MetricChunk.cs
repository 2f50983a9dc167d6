using System.Buffers.Binary;

namespace Podium.Tracking.Stores;

/// <summary>Packs metric points into a blob: per point step (int64), Unix ms (int64), value (float64), epoch (int32), little-endian.</summary>
internal static class MetricChunk
{
    public const int PointSize = 28;
    private const int NoEpoch = int.MinValue;

    public static byte[] Encode(IReadOnlyList<MetricPoint> points)
    {
        var data = new byte[points.Count * PointSize];
        var span = data.AsSpan();
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var at = span.Slice(i * PointSize, PointSize);
            BinaryPrimitives.WriteInt64LittleEndian(at, p.Step);
            BinaryPrimitives.WriteInt64LittleEndian(at[8..], p.Timestamp.ToUnixTimeMilliseconds());
            BinaryPrimitives.WriteDoubleLittleEndian(at[16..], p.Value);
            BinaryPrimitives.WriteInt32LittleEndian(at[24..], p.Epoch ?? NoEpoch);
        }

        return data;
    }

    public static void Decode(ReadOnlySpan<byte> data, List<MetricPoint> into)
    {
        if (data.Length % PointSize != 0)
        {
            throw new InvalidDataException($"a metric chunk of {data.Length} bytes is not a whole number of {PointSize}-byte points");
        }

        for (var at = 0; at < data.Length; at += PointSize)
        {
            var point = data.Slice(at, PointSize);
            var epoch = BinaryPrimitives.ReadInt32LittleEndian(point[24..]);
            into.Add(new MetricPoint(
                BinaryPrimitives.ReadInt64LittleEndian(point),
                BinaryPrimitives.ReadDoubleLittleEndian(point[16..]),
                DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(point[8..])),
                epoch == NoEpoch ? null : epoch));
        }
    }
}
