using Podium.Tests;
using Podium.Vision.Datasets;
using Podium.Vision.Images;
using Xunit;

namespace Podium.Vision.Tests.Datasets;

[Collection(DatasetCacheCollection.Name)]
public sealed class DatasetCacheTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string? _previous = Environment.GetEnvironmentVariable("PODIUM_CACHE_DIR");

    public DatasetCacheTests()
    {
        Environment.SetEnvironmentVariable("PODIUM_CACHE_DIR", _folder.File("cache"));
        // Two classes of three tiny gray PNGs, written by the minimal PNG writer below.
        foreach (var (cls, value) in new[] { ("a", (byte)40), ("b", (byte)200) })
        {
            Directory.CreateDirectory(_folder.File(Path.Combine("images", cls)));
            for (var i = 0; i < 3; i++)
            {
                File.WriteAllBytes(_folder.File(Path.Combine("images", cls, $"{i}.png")), TinyPng.Gray(4, 4, (byte)(value + i)));
            }
        }
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PODIUM_CACHE_DIR", _previous);
        _folder.Dispose();
    }

    private string Root => _folder.File("images");

    [Fact]
    public void A_second_load_of_an_unchanged_folder_reads_the_cache_not_the_files()
    {
        var (first, _) = ImageFolder.Load(Root, 4, 4, channels: 1, cache: true);
        var victim = _folder.File(Path.Combine("images", "a", "0.png"));
        var (size, time) = (new FileInfo(victim).Length, File.GetLastWriteTimeUtc(victim));
        // Same size and time, garbage content: only a cache hit can still load it.
        File.WriteAllBytes(victim, new byte[size]);
        File.SetLastWriteTimeUtc(victim, time);

        var (second, _) = ImageFolder.Load(Root, 4, 4, channels: 1, cache: true);

        Assert.Equal(first.Fingerprint(), second.Fingerprint());
        Assert.Equal(first.ClassNames, second.ClassNames);
        Assert.Single(Directory.GetFiles(_folder.File("cache")));
    }

    [Fact]
    public void A_changed_file_is_a_different_key_and_is_decoded_again()
    {
        ImageFolder.Load(Root, 4, 4, channels: 1, cache: true);
        var victim = _folder.File(Path.Combine("images", "b", "2.png"));
        File.WriteAllBytes(victim, [1, 2, 3]);
        File.SetLastWriteTimeUtc(victim, DateTime.UtcNow.AddMinutes(5));

        var error = Assert.Throws<ImageDecodeException>(() => ImageFolder.Load(Root, 4, 4, channels: 1, cache: true));

        Assert.Contains("2.png", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_cache_file_is_ignored_and_rebuilt()
    {
        var (first, _) = ImageFolder.Load(Root, 4, 4, channels: 1, cache: true);
        var cacheFile = Directory.GetFiles(_folder.File("cache")).Single();
        File.WriteAllBytes(cacheFile, "PODIUMDS1 but then nothing sensible"u8.ToArray());

        var (again, _) = ImageFolder.Load(Root, 4, 4, channels: 1, cache: true);

        Assert.Equal(first.Fingerprint(), again.Fingerprint());
        Assert.NotNull(DatasetCache.TryRead(Path.GetFileNameWithoutExtension(cacheFile)));
    }
}

/// <summary>Writes minimal valid grayscale PNGs (stored deflate blocks), for tests that need image files without other tools.</summary>
internal static class TinyPng
{
    public static byte[] Gray(int width, int height, byte value)
    {
        var raw = new List<byte>();
        for (var y = 0; y < height; y++)
        {
            raw.Add(0);
            raw.AddRange(Enumerable.Repeat(value, width));
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        Chunk(png, "IHDR", ihdr);
        using var zlib = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(zlib, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(raw.ToArray());
        }

        Chunk(png, "IDAT", zlib.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    // PNG's CRC-32 (ISO 3309): reflected polynomial 0xEDB88320, initial and final value 0xFFFFFFFF.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var header = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(header, 4);
        png.Write(header);
        png.Write(data);
        var crc = Crc32([.. header.AsSpan(4).ToArray(), .. data]);
        var crcBytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        png.Write(crcBytes);
    }
}
