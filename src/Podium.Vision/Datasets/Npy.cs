using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Podium.Vision.Datasets;

/// <summary>A numeric array read from .npy: its shape, its dtype as NumPy writes it, and its values.</summary>
/// <param name="Shape">Dimensions, C order.</param>
/// <param name="Dtype">NumPy's descr, e.g. &lt;f4 or |u1.</param>
/// <param name="Values">The values as doubles (exact for every integer up to 2^53).</param>
public sealed record NpyArray(int[] Shape, string Dtype, double[] Values);

/// <summary>
/// NumPy's .npy format (versions 1–3): the magic "\x93NUMPY", a version, a little-endian header length,
/// a Python dict literal with descr, fortran_order and shape, then the raw data. .npz is a zip of .npy files.
/// Integer, unsigned, float and bool arrays in either byte order are read; object, string, structured and
/// Fortran-ordered arrays are refused by name rather than read wrongly.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads one .npy file.</summary>
    /// <exception cref="InvalidDataException">Not .npy, truncated, or a kind of array Podium does not read; names the path.</exception>
    public static NpyArray Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Reads every array of a .npz file by name (without the .npy extension).</summary>
    public static Dictionary<string, NpyArray> ReadArchive(string path)
    {
        var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                arrays[name] = Parse(memory.ToArray(), $"{path}:{entry.FullName}");
            }
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith('\''))
        {
            throw new InvalidDataException($"'{path}' is not a valid .npz (zip) file: {e.Message}", e);
        }

        return arrays;
    }

    /// <summary>
    /// A dataset from an image array and a label array: (n, h, w) is one channel, (n, h, w, c) is NHWC as Keras
    /// stores it and is transposed to NCHW; uint8 pixels are scaled to [0, 1], floats are taken as they are.
    /// </summary>
    public static ImageDataset LoadDataset(string name, NpyArray images, NpyArray labels, IReadOnlyList<string>? classNames = null, string source = "npy")
    {
        var shape = images.Shape;
        var (n, h, w, c) = shape.Length switch
        {
            3 => (shape[0], shape[1], shape[2], 1),
            4 when shape[3] is 1 or 3 or 4 => (shape[0], shape[1], shape[2], shape[3]),
            _ => throw new InvalidDataException($"{source}: images of shape ({string.Join(", ", shape)}); expected (n, height, width) or (n, height, width, channels) with 1, 3 or 4 channels"),
        };
        if (labels.Values.Length != n)
        {
            throw new InvalidDataException($"{source}: {labels.Values.Length} labels for {n} images");
        }

        var scale = images.Dtype.EndsWith("u1", StringComparison.Ordinal) ? 1 / 255.0 : 1.0;
        var tensor = new Podium.Nn.Tensor(n, c, h, w);
        for (var i = 0; i < n; i++)
        {
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    for (var ch = 0; ch < c; ch++)
                    {
                        tensor.Data[((i * c + ch) * h + y) * w + x] = (float)(images.Values[((i * h + y) * w + x) * c + ch] * scale);
                    }
                }
            }
        }

        var classes = labels.Values.Select(v => (int)v).ToArray();
        var names = classNames ?? Enumerable.Range(0, classes.Length == 0 ? 0 : classes.Max() + 1).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new ImageDataset(name, tensor, classes, names, source);
    }

    internal static NpyArray Parse(byte[] bytes, string path)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not a .npy file (no \\x93NUMPY magic)");
        }

        var major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1:
                (headerLength, headerStart) = (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)), 10);
                break;
            case 2 or 3 when bytes.Length >= 12:
                (headerLength, headerStart) = ((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), 12);
                break;
            default:
                throw new InvalidDataException($"'{path}' has .npy version {major}.{bytes[7]}, which Podium does not read");
        }

        if (headerStart + headerLength > bytes.Length)
        {
            throw new InvalidDataException($"'{path}' is truncated inside its header");
        }

        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new InvalidDataException(header.Contains("'descr': [", StringComparison.Ordinal)
                ? $"'{path}' holds a structured array; save plain numeric arrays"
                : $"'{path}' has a header Podium cannot read: {header.Trim()}");
        }

        if (fortran.Groups[1].Value == "True")
        {
            throw new InvalidDataException($"'{path}' is in Fortran order; save it with np.ascontiguousarray first");
        }

        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        var dtype = descr.Groups[1].Value;
        var (size, reader) = Reader(dtype, path);
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        var dataStart = headerStart + headerLength;
        if (bytes.Length - dataStart != count * size)
        {
            throw new InvalidDataException($"'{path}' is truncated or padded: shape ({string.Join(", ", shape)}) of {dtype} needs {count * size} data bytes, the file has {bytes.Length - dataStart}");
        }

        var values = new double[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = reader(bytes.AsSpan(dataStart + (int)(i * size), size));
        }

        return new NpyArray(shape, dtype, values);
    }

    private delegate double ValueReader(ReadOnlySpan<byte> bytes);

    private static (int Size, ValueReader Read) Reader(string dtype, string path)
    {
        if (dtype.Length >= 2 && dtype[1] == 'O')
        {
            throw new InvalidDataException($"'{path}' holds an object array (dtype '{dtype}'); Podium reads numeric arrays only");
        }

        if (dtype.Length < 3)
        {
            throw new InvalidDataException($"'{path}' has dtype '{dtype}', which Podium does not read");
        }

        var big = dtype[0] == '>' || (dtype[0] == '=' && !BitConverter.IsLittleEndian);
        var kind = dtype[1];
        if (!int.TryParse(dtype.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new InvalidDataException($"'{path}' has dtype '{dtype}', which Podium does not read");
        }

        ValueReader? read = (kind, size) switch
        {
            ('u', 1) => b => b[0],
            ('i', 1) => b => (sbyte)b[0],
            ('b', 1) => b => b[0] != 0 ? 1 : 0,
            ('u', 2) => b => big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
            ('i', 2) => b => big ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
            ('u', 4) => b => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
            ('i', 4) => b => big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
            ('u', 8) => b => big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b),
            ('i', 8) => b => big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
            ('f', 2) => b => (double)(big ? BinaryPrimitives.ReadHalfBigEndian(b) : BinaryPrimitives.ReadHalfLittleEndian(b)),
            ('f', 4) => b => big ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
            ('f', 8) => b => big ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b),
            _ => null,
        };
        return read is not null ? (size, read) : throw new InvalidDataException(kind switch
        {
            'U' or 'S' => $"'{path}' holds strings (dtype '{dtype}'); Podium reads numeric arrays only",
            _ => $"'{path}' has dtype '{dtype}', which Podium does not read",
        });
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
