using System.Security.Cryptography;
using System.Text;
using Podium.Nn;

namespace Podium.Vision.Datasets;

/// <summary>Images as an NCHW float tensor with values in [0, 1], their integer labels, and the class names.</summary>
public sealed class ImageDataset
{
    /// <summary>A dataset; labels must be one per image and inside the class list.</summary>
    public ImageDataset(string name, Tensor images, int[] labels, IReadOnlyList<string> classNames, string source)
    {
        if (images.Shape.Length != 4)
        {
            throw new ArgumentException($"dataset '{name}': images must be (n, channels, height, width), got {Tensor.Format(images.Shape)}");
        }

        if (labels.Length != images.Batch)
        {
            throw new ArgumentException($"dataset '{name}': {images.Batch} images but {labels.Length} labels");
        }

        var bad = Array.FindIndex(labels, l => l < 0 || l >= classNames.Count);
        if (bad >= 0)
        {
            throw new ArgumentException($"dataset '{name}': label {labels[bad]} of image {bad} is outside the {classNames.Count} classes");
        }

        Name = name;
        Images = images;
        Labels = labels;
        ClassNames = classNames;
        Source = source;
    }

    /// <summary>The dataset's name.</summary>
    public string Name { get; }

    /// <summary>(n, channels, height, width), values in [0, 1].</summary>
    public Tensor Images { get; }

    /// <summary>The class index of each image.</summary>
    public int[] Labels { get; }

    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where the data came from.</summary>
    public string Source { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Labels one-hot, as categorical cross-entropy wants them.</summary>
    public Tensor OneHot()
    {
        var y = new Tensor(Count, ClassNames.Count);
        for (var i = 0; i < Count; i++)
        {
            y.Data[i * ClassNames.Count + Labels[i]] = 1f;
        }

        return y;
    }

    /// <summary>
    /// SHA-256 (hex) over the decoded content: a format tag, the shape, every pixel as little-endian float32,
    /// every label as little-endian int32, and the class names. The same images and labels give the same
    /// fingerprint whatever file format carried them; the name and source do not count.
    /// </summary>
    public string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes("podium-dataset-v1\n" + string.Join(",", Images.Shape) + "\n"));
        var buffer = new byte[4];
        foreach (var v in Images.Data)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
            hash.AppendData(buffer);
        }

        foreach (var label in Labels)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer, label);
            hash.AppendData(buffer);
        }

        hash.AppendData(Encoding.UTF8.GetBytes("\n" + string.Join("\n", ClassNames)));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
