using Podium.Nn;
using Podium.Vision.Images;

namespace Podium.Vision.Datasets;

/// <summary>A file that could not be loaded, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Problem">What was wrong with it.</param>
public sealed record SkippedFile(string Path, string Problem);

/// <summary>
/// Images in class folders, root/CLASS/**/*.png|jpg|jpeg|bmp|gif, as Keras's image_dataset_from_directory reads them:
/// each class folder is walked recursively.
/// </summary>
public static class ImageFolder
{
    /// <summary>The extensions Keras's image_dataset_from_directory accepts, compared without case.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".bmp", ".gif", ".jpeg", ".jpg", ".png"];

    /// <summary>
    /// Loads every image: classes are the sub-folders of <paramref name="root"/> sorted by name; in each, the images
    /// of the class folder and all folders below it, in Keras's order (folders by path, then files by name). Each
    /// image is converted to <paramref name="channels"/> (1 or 3) and resized to width × height (bilinear). Files
    /// with other extensions are returned once each as skipped. A file that cannot be decoded stops the load with
    /// its path, or with <paramref name="skipBadFiles"/> is left out and reported. With <paramref name="cache"/>,
    /// the decoded dataset is kept in <see cref="DatasetCache"/> and later loads of the unchanged folder read it.
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

        var classes = Classes(root);
        var walked = Walked(root, classes).ToArray();
        var files = walked.Where(f => IsImage(f.File)).ToArray();
        var others = walked.Where(f => !IsImage(f.File))
            .Select(f => new SkippedFile(f.File, $"not an image by its extension (Keras reads {string.Join(", ", Extensions)})")).ToList();
        if (files.Length == 0)
        {
            throw new InvalidDataException($"image folder '{root}' has no {string.Join(", ", Extensions)} files in class sub-folders (root/CLASS/image.png)");
        }

        var datasetName = name ?? Path.GetFileName(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar));
        var key = cache ? CacheKey(root, width, height, channels, skipBadFiles, datasetName, files.Select(f => f.File), ImageDecoder.Version) : null;
        // The source names the files left out, so the dataset's record says what it was not built from.
        var source = $"image folder {Path.GetFullPath(root)} ({width}x{height}, {channels} channels)" + (others.Count == 0 ? ""
            : $"; {others.Count} other file(s) skipped: {string.Join(", ", others.Take(5).Select(o => Path.GetRelativePath(root, o.Path)))}{(others.Count > 5 ? ", …" : "")}");
        if (key is not null && DatasetCache.TryRead(key) is { } cached)
        {
            return (new ImageDataset(cached.Name, cached.Images, cached.Labels, cached.ClassNames, source), others);
        }

        var per = channels * height * width;
        var pixels = new float[files.Length * per];
        var problems = new string?[files.Length];
        Engine.For(files.Length, i =>
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
            keep.Select(i => files[i].Label).ToArray(), classes, source);
        var bad = Enumerable.Range(0, files.Length).Where(i => problems[i] is not null).Select(i => new SkippedFile(files[i].File, problems[i]!)).ToList();
        if (key is not null && bad.Count == 0)
        {
            DatasetCache.Write(key, data);
        }

        return (data, [.. others, .. bad]);
    }

    /// <summary>The dataset cache's key: the folder, the settings, every image file, and the decoder's version.</summary>
    internal static string CacheKey(string root, int width, int height, int channels, bool skipBadFiles, string name, IEnumerable<string> images, int decoderVersion) =>
        DatasetCache.Key($"image-folder\tdecoder {decoderVersion}\t{Path.GetFullPath(root)}\t{width}x{height}x{channels}\t{skipBadFiles}\t{name}", images);

    /// <summary>The image files a load reads, in its order: each class folder's images, by the extensions Keras reads.</summary>
    public static IEnumerable<string> ImageFiles(string root) => Walked(root, Classes(root)).Select(f => f.File).Where(IsImage);

    private static string[] Classes(string root) =>
        Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    private static IEnumerable<(string File, int Label)> Walked(string root, string[] classes) =>
        classes.SelectMany((c, label) => Walk(Path.Combine(root, c)).Select(f => (File: f, Label: label)));

    private static bool IsImage(string file) => Extensions.Contains(Path.GetExtension(file).ToLowerInvariant());

    /// <summary>
    /// Every file under a folder in Keras's order: folders sorted by their path (as os.walk's roots sort in Python,
    /// with '/' on every OS), files by name within each. Linked folders are not followed, as Keras's default.
    /// </summary>
    private static IEnumerable<string> Walk(string folder)
    {
        var folders = new List<(string Key, string Path)>();
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out var current))
        {
            folders.Add((Path.GetRelativePath(folder, current).Replace(Path.DirectorySeparatorChar, '/'), current));
            foreach (var sub in new DirectoryInfo(current).EnumerateDirectories().Where(d => d.LinkTarget is null))
            {
                pending.Push(Path.Combine(current, sub.Name));
            }
        }

        return folders.OrderBy(f => f.Key == "." ? "" : f.Key, StringComparer.Ordinal)
            .SelectMany(f => Directory.GetFiles(f.Path).Order(StringComparer.Ordinal));
    }
}
