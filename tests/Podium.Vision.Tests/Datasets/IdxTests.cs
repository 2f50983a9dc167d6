using System.Buffers.Binary;
using System.IO.Compression;
using Podium.Tests;
using Podium.Vision.Datasets;
using Xunit;

namespace Podium.Vision.Tests.Datasets;

public sealed class IdxTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name, byte[] bytes, bool gzip = false)
    {
        var path = _folder.File(name);
        if (gzip)
        {
            using var file = File.Create(path);
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }

        return path;
    }

    /// <summary>An IDX file written from the format's description: 0, 0, type, rank, big-endian dims, data.</summary>
    private static byte[] IdxBytes(byte type, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (var d = 0; d < dims.Length; d++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * d), (uint)dims[d]);
        }

        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    [Fact]
    public void Raw_and_gzipped_files_load_the_same_images_scaled_to_unit_range()
    {
        var pixels = new byte[] { 0, 255, 51, 102, 0, 0, 0, 0 };
        var labels = new byte[] { 1, 0 };
        var raw = Idx.Load("raw", Write("i.idx", IdxBytes(0x08, [2, 2, 2], pixels)), Write("l.idx", IdxBytes(0x08, [2], labels)), ["a", "b"]);
        var zipped = Idx.Load("zip", Write("i.gz", IdxBytes(0x08, [2, 2, 2], pixels), gzip: true), Write("l.gz", IdxBytes(0x08, [2], labels), gzip: true), ["a", "b"]);

        Assert.Equal([2, 1, 2, 2], raw.Images.Shape);
        Assert.Equal([0f, 1f, 0.2f, 0.4f, 0f, 0f, 0f, 0f], raw.Images.Data);
        Assert.Equal([1, 0], raw.Labels);
        Assert.Equal(raw.Images.Data, zipped.Images.Data);
        Assert.Equal(raw.Fingerprint(), zipped.Fingerprint());
    }

    [Fact]
    public void Every_idx_type_reads_big_endian()
    {
        var data = new byte[2 + 4 + 8];
        BinaryPrimitives.WriteInt16BigEndian(data, -300);
        var (shorts, _) = Idx.Read(Write("s.idx", IdxBytes(0x0B, [1], data[..2])));
        BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(2), 1.5f);
        var (floats, _) = Idx.Read(Write("f.idx", IdxBytes(0x0D, [1], data[2..6])));
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(6), -2.25);
        var (doubles, _) = Idx.Read(Write("d.idx", IdxBytes(0x0E, [1], data[6..])));

        Assert.Equal(-300, shorts[0]);
        Assert.Equal(1.5, floats[0]);
        Assert.Equal(-2.25, doubles[0]);
    }

    [Theory]
    [InlineData("truncated", "truncated")]
    [InlineData("not-idx", "not an IDX file")]
    [InlineData("bad-type", "unknown IDX type code 0x07")]
    [InlineData("bad-gzip", "damaged gzip")]
    public void Broken_files_are_named_with_the_problem(string kind, string problem)
    {
        var good = IdxBytes(0x08, [2, 2], [1, 2, 3, 4]);
        var bytes = kind switch
        {
            "truncated" => good[..^1],
            "not-idx" => "hello world"u8.ToArray(),
            "bad-type" => good.Select((b, i) => i == 2 ? (byte)0x07 : b).ToArray(),
            _ => [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7],
        };
        var path = Write(kind + ".idx", bytes);

        var error = Assert.Throws<InvalidDataException>(() => Idx.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_count_must_match_image_count()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            Idx.Load("x", Write("i.idx", IdxBytes(0x08, [2, 1, 1], [1, 2])), Write("l.idx", IdxBytes(0x08, [3], [0, 1, 0])), ["a", "b"]));

        Assert.Contains("3 labels for 2 images", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fashion_mnist_from_the_debian_package_has_the_known_sizes_and_balanced_classes()
    {
        var (train, test) = FashionMnist.Load();

        Assert.Equal([60_000, 1, 28, 28], train.Images.Shape);
        Assert.Equal([10_000, 1, 28, 28], test.Images.Shape);
        Assert.All(train.Labels.GroupBy(l => l), g => Assert.Equal(6_000, g.Count()));
        Assert.All(test.Labels.GroupBy(l => l), g => Assert.Equal(1_000, g.Count()));
        Assert.InRange(train.Images.Data.Max(), 0.99f, 1f);
        Assert.Equal(0f, train.Images.Data.Min());
    }
}
