using Podium.Nn;
using Podium.Vision.Images;

namespace Podium.Vision.Datasets;

/// <summary>A file that could not be loaded, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Problem">What was wrong with it.</param>
public sealed record SkippedFile(string Path, string Problem);

/// <summary>Images in class folders, root/CLASS/*.png|jpg|jpeg|bmp, as Keras's flow_from_directory reads them.</summary>
public static class ImageFolder
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>
    /// Loads every image: classes are the sub-folders sorted by name, files sorted by name, each image converted to
    /// <paramref name="channels"/> (1 or 3) and resized to width × height (bilinear). A file that cannot be decoded
    /// stops the load with its path, or with <paramref name="skipBadFiles"/> is left out and reported. With
    /// <paramref name="cache"/>, the decoded dataset is kept in <see cref="DatasetCache"/> and later loads of the
    /// unchanged folder read it instead of decoding.
    /// </summary>
    public static (ImageDataset Data, IReadOnlyList<SkippedFile> Skipped) Load(string root, int width, int height, int channels = 3, bool skipBadFiles = false, string? name = null, bool cache = false)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"image folder '{root}' does not exist");
        }

        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (gray) or 3 (RGB)");
        }

        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        var files = classes
            .SelectMany((c, label) => Directory.GetFiles(Path.Combine(root, c))
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .Select(f => (File: f, Label: label)))
            .ToArray();
        if (files.Length == 0)
        {
            throw new InvalidDataException($"image folder '{root}' has no .png, .jpg, .jpeg or .bmp files in class sub-folders (root/CLASS/image.png)");
        }

        var datasetName = name ?? Path.GetFileName(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar));
        var key = cache ? DatasetCache.Key($"image-folder\t{Path.GetFullPath(root)}\t{width}x{height}x{channels}\t{skipBadFiles}\t{datasetName}", files.Select(f => f.File)) : null;
        if (key is not null && DatasetCache.TryRead(key) is { } cached)
        {
            return (cached, []);
        }

        var per = channels * height * width;
        var pixels = new float[files.Length * per];
        var problems = new string?[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            try
            {
                var image = ImageDecoder.Decode(files[i].File, gray: channels == 1);
                ImageDecoder.ResizeInto(image, width, height, pixels.AsSpan(i * per, per));
            }
            catch (ImageDecodeException e)
            {
                problems[i] = e.Message;
            }
        });

        var firstBad = Array.FindIndex(problems, p => p is not null);
        if (firstBad >= 0 && !skipBadFiles)
        {
            throw new ImageDecodeException(problems[firstBad]! + (problems.Count(p => p is not null) > 1 ? $" (and {problems.Count(p => p is not null) - 1} more bad files)" : ""));
        }

        var keep = Enumerable.Range(0, files.Length).Where(i => problems[i] is null).ToArray();
        var images = new Tensor(keep.Length, channels, height, width);
        for (var k = 0; k < keep.Length; k++)
        {
            pixels.AsSpan(keep[k] * per, per).CopyTo(images.Data.AsSpan(k * per));
        }

        var data = new ImageDataset(datasetName, images,
            keep.Select(i => files[i].Label).ToArray(), classes, $"image folder {Path.GetFullPath(root)} ({width}x{height}, {channels} channels)");
        var skipped = Enumerable.Range(0, files.Length).Where(i => problems[i] is not null).Select(i => new SkippedFile(files[i].File, problems[i]!)).ToList();
        if (key is not null && skipped.Count == 0)
        {
            DatasetCache.Write(key, data);
        }

        return (data, skipped);
    }
}
