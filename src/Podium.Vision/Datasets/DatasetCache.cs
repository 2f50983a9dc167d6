using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Podium.Nn;

namespace Podium.Vision.Datasets;

/// <summary>
/// Decoded datasets on disk, keyed by their source and settings, so a second load skips decoding. The key covers
/// every file's path, size and modification time, so a changed file is a different key. A damaged cache file is
/// ignored (and rewritten), never trusted.
/// </summary>
public static class DatasetCache
{
    private static readonly byte[] Magic = "PODIUMDS1"u8.ToArray();

    /// <summary>The cache folder: PODIUM_CACHE_DIR, else ~/.cache/podium/datasets.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("PODIUM_CACHE_DIR") is { Length: > 0 } dir ? dir
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "podium", "datasets");

    /// <summary>A key from a description of the source and settings, and the files it reads.</summary>
    public static string Key(string description, IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(description + "\n"));
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            hash.AppendData(Encoding.UTF8.GetBytes($"{info.FullName}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The cached dataset for a key, or null when there is none or it is damaged.</summary>
    public static ImageDataset? TryRead(string key)
    {
        var path = Path.Combine(Folder, key + ".bin");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var bytes = File.ReadAllBytes(path);
            if (!bytes.AsSpan().StartsWith(Magic))
            {
                return null;
            }

            var at = Magic.Length;
            var headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            at += 4;
            var header = JsonSerializer.Deserialize<Header>(bytes.AsSpan(at, headerLength))!;
            at += headerLength;
            var count = header.Shape[0];
            var values = Tensor.Count(header.Shape);
            if (bytes.Length != at + count * 4 + values * 4)
            {
                return null;
            }

            var labels = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(at, count * 4)).ToArray();
            at += count * 4;
            var pixels = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(at, values * 4)).ToArray();
            return new ImageDataset(header.Name, new Tensor(pixels, header.Shape), labels, header.Classes, header.Source);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or IOException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Stores a dataset under a key (written beside the target and renamed, so readers never see half a file).</summary>
    public static void Write(string key, ImageDataset data)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, key + ".bin");
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".partial";
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header(data.Name, data.Images.Shape, [.. data.ClassNames], data.Source));
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(Magic);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, header.Length);
            file.Write(length);
            file.Write(header);
            file.Write(MemoryMarshal.AsBytes(data.Labels.AsSpan()));
            file.Write(MemoryMarshal.AsBytes(data.Images.Data.AsSpan()));
        }

        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Header(string Name, int[] Shape, string[] Classes, string Source);
}
