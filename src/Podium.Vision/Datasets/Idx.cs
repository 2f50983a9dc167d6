using System.Buffers.Binary;
using System.IO.Compression;

namespace Podium.Vision.Datasets;

/// <summary>
/// The IDX format of the MNIST family: two zero bytes, a type code, the number of dimensions, each
/// dimension as a big-endian uint32, then the values big-endian. Files may be gzipped.
/// </summary>
public static class Idx
{
    /// <summary>Reads a file (raw or gzip) as doubles with its dimensions.</summary>
    /// <exception cref="InvalidDataException">The file is not IDX, or is truncated; the message names the path.</exception>
    public static (double[] Values, int[] Dimensions) Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var raw = new MemoryStream();
                gzip.CopyTo(raw);
                bytes = raw.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is a damaged gzip file: {e.Message}", e);
        }

        return Parse(bytes, path);
    }

    internal static (double[] Values, int[] Dimensions) Parse(byte[] bytes, string path)
    {
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
        {
            throw new InvalidDataException($"'{path}' is not an IDX file (it must start with two zero bytes)");
        }

        var (size, read) = bytes[2] switch
        {
            0x08 => (1, (Func<byte[], int, double>)((b, at) => b[at])),
            0x09 => (1, (b, at) => (sbyte)b[at]),
            0x0B => (2, (b, at) => BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(at))),
            0x0C => (4, (b, at) => BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(at))),
            0x0D => (4, (b, at) => BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(at))),
            0x0E => (8, (b, at) => BinaryPrimitives.ReadDoubleBigEndian(b.AsSpan(at))),
            var code => throw new InvalidDataException($"'{path}' has unknown IDX type code 0x{code:X2}"),
        };
        var rank = bytes[3];
        if (bytes.Length < 4 + 4 * rank)
        {
            throw new InvalidDataException($"'{path}' is truncated: its header names {rank} dimensions");
        }

        var dims = new int[rank];
        long count = 1;
        for (var d = 0; d < rank; d++)
        {
            var dim = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dim > int.MaxValue)
            {
                throw new InvalidDataException($"'{path}' has an impossible dimension {dim}");
            }

            dims[d] = (int)dim;
            count *= dim;
        }

        var start = 4 + 4 * rank;
        if (bytes.Length - start != count * size)
        {
            throw new InvalidDataException($"'{path}' is truncated or padded: dimensions ({string.Join(", ", dims)}) need {count * size} data bytes, the file has {bytes.Length - start}");
        }

        var values = new double[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = read(bytes, start + (int)(i * size));
        }

        return (values, dims);
    }

    /// <summary>Loads an image file (n, h, w) and a label file (n) as a dataset, pixels scaled from 0–255 to [0, 1].</summary>
    public static ImageDataset Load(string name, string imagesPath, string labelsPath, IReadOnlyList<string> classNames)
    {
        var (pixels, dims) = Read(imagesPath);
        var (labels, labelDims) = Read(labelsPath);
        if (dims.Length != 3)
        {
            throw new InvalidDataException($"'{imagesPath}' holds shape ({string.Join(", ", dims)}); expected images (n, height, width)");
        }

        if (labelDims.Length != 1 || labelDims[0] != dims[0])
        {
            throw new InvalidDataException($"'{labelsPath}' holds {string.Join("x", labelDims)} labels for {dims[0]} images in '{imagesPath}'");
        }

        var images = new Podium.Nn.Tensor(dims[0], 1, dims[1], dims[2]);
        for (var i = 0; i < pixels.Length; i++)
        {
            images.Data[i] = (float)(pixels[i] / 255.0);
        }

        return new ImageDataset(name, images, labels.Select(l => (int)l).ToArray(), classNames, imagesPath + " + " + labelsPath);
    }
}
