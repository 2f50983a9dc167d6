using Podium.Tests;
using Podium.Vision.Datasets;
using Podium.Vision.Images;
using Xunit;

namespace Podium.Vision.Tests.Datasets;

/// <summary>Class folders with nested sub-folders, written by Debian's PIL, read as Keras's image_dataset_from_directory reads them.</summary>
[Collection(DatasetCacheCollection.Name)]
public sealed class ImageFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string? _previousCache = Environment.GetEnvironmentVariable("PODIUM_CACHE_DIR");

    public ImageFolderTests() => Environment.SetEnvironmentVariable("PODIUM_CACHE_DIR", _folder.File("cache"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PODIUM_CACHE_DIR", _previousCache);
        _folder.Dispose();
    }

    private string Root => _folder.File("data");

    /// <summary>
    /// Writes data/CLASS/... with images in nested folders; each image is one flat grey value, so a loaded image
    /// says which file it was. Prints Keras's own listing: os.walk as keras.utils.image_dataset_from_directory
    /// walks (roots sorted, files sorted, extensions lower-cased), as "label value" lines.
    /// </summary>
    private string[] MakeFolder() => PythonOracle.Run("""
        import os, sys
        import numpy as np
        from PIL import Image
        os.chdir(sys.stdin.read().strip())
        files = {
            'dog/b.png': 10, 'dog/a.JPG': 20, 'dog/puppies/c.bmp': 30, 'dog/puppies/deeper/d.gif': 40, 'dog/puppies2/e.jpeg': 50,
            'dog/puppies a/f.png': 60, 'cat/z.png': 70, 'cat/kittens/y.png': 80, 'cat/kittens/notes.txt': None, 'cat/README': None,
            'bird/only/x.png': 90,
        }
        for path, value in files.items():
            os.makedirs(os.path.dirname('data/' + path), exist_ok=True)
            if value is None:
                open('data/' + path, 'w').write('not an image')
            else:
                Image.fromarray(np.full((4, 4), value, np.uint8)).save('data/' + path, quality=100, subsampling=0) if path.lower().endswith(('.jpg', '.jpeg')) else Image.fromarray(np.full((4, 4), value, np.uint8)).save('data/' + path)
        open('data/stray.png', 'w').write('a file beside the classes is not in any class')
        classes = sorted(d for d in os.listdir('data') if os.path.isdir('data/' + d))
        formats = ('.bmp', '.gif', '.jpeg', '.jpg', '.png')
        for label, c in enumerate(classes):
            for root, _, names in sorted(os.walk('data/' + c), key=lambda x: x[0]):
                for name in sorted(names):
                    if name.lower().endswith(formats):
                        print(label, np.array(Image.open(os.path.join(root, name)).convert('L'))[0, 0])
        """, _folder.Path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Class_folders_are_walked_recursively_in_keras_order()
    {
        // Given Keras's listing of the same folder
        var keras = MakeFolder();

        // When Podium loads it
        var (data, skipped) = ImageFolder.Load(Root, width: 4, height: 4, channels: 1);

        // Then the classes, the order of images and their labels are Keras's, nested folders included
        Assert.Equal(["bird", "cat", "dog"], data.ClassNames);
        var podium = Enumerable.Range(0, data.Count).Select(i => $"{data.Labels[i]} {Math.Round(data.Images.Data[i * 16] * 255)}");
        Assert.Equal(keras, podium);
        Assert.Equal(9, data.Count);
        Assert.Equal(["README", "notes.txt"], skipped.Select(s => Path.GetFileName(s.Path)));
        Assert.All(skipped, s => Assert.Equal("not an image by its extension (Keras reads .bmp, .gif, .jpeg, .jpg, .png)", s.Problem));
        Assert.EndsWith($"(4x4, 1 channels); 2 other file(s) skipped: {Path.Combine("cat", "README")}, {Path.Combine("cat", "kittens", "notes.txt")}", data.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Resizing_a_constant_image_keeps_its_value_and_size_matches_the_request()
    {
        PythonOracle.Run("import os, sys\nimport numpy as np\nfrom PIL import Image\nos.chdir(sys.stdin.read().strip())\nos.makedirs('flat/x')\nImage.fromarray(np.full((10, 20, 3), 51, np.uint8)).save('flat/x/a.png')\n", _folder.Path);

        var (data, _) = ImageFolder.Load(_folder.File("flat"), width: 7, height: 3);

        Assert.Equal([1, 3, 3, 7], data.Images.Shape);
        Assert.All(data.Images.Data, v => Assert.Equal(0.2f, v, 6));
    }

    [Fact]
    public void A_bad_file_stops_the_load_by_path_and_nothing_is_cached_or_it_is_skipped_and_reported()
    {
        MakeFolder();
        File.WriteAllText(Path.Combine(Root, "cat", "kittens", "corrupt.png"), "not a png at all");
        var good = File.ReadAllBytes(Path.Combine(Root, "dog", "a.JPG"));
        File.WriteAllBytes(Path.Combine(Root, "dog", "puppies", "truncated.jpg"), good[..^40]);

        var error = Assert.Throws<ImageDecodeException>(() => ImageFolder.Load(Root, 4, 4, cache: true));
        var (data, skipped) = ImageFolder.Load(Root, 4, 4, skipBadFiles: true);

        Assert.StartsWith($"'{Path.Combine(Root, "cat", "kittens", "corrupt.png")}' is not a PNG, JPEG, BMP or GIF file", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(and 1 more bad files)", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.File("cache")) && Directory.EnumerateFiles(_folder.File("cache")).Any());
        Assert.Equal(9, data.Count);
        Assert.Equal(["README", "notes.txt", "corrupt.png", "truncated.jpg"], skipped.Select(s => Path.GetFileName(s.Path)));
    }

    [Fact]
    public void A_dataset_cached_by_an_older_decoder_is_decoded_again()
    {
        // Given a cache entry stored under the key the previous decoder (version 1) used, holding other pixels
        MakeFolder();
        var (fresh, _) = ImageFolder.Load(Root, 4, 4, channels: 1);
        var stale = new ImageDataset("data", new Nn.Tensor(fresh.Images.Shape), fresh.Labels, fresh.ClassNames, "decoded by version 1");
        foreach (var version in new[] { 1, ImageDecoder.Version })
        {
            Assert.Null(DatasetCache.TryRead(ImageFolder.CacheKey(Root, 4, 4, 1, false, "data", ImageFolder.ImageFiles(Root), version)));
        }

        DatasetCache.Write(ImageFolder.CacheKey(Root, 4, 4, 1, false, "data", ImageFolder.ImageFiles(Root), decoderVersion: 1), stale);

        // When the folder is loaded with the cache
        var (loaded, _) = ImageFolder.Load(Root, 4, 4, channels: 1, cache: true);

        // Then the images are decoded again, not read from the old entry
        Assert.Equal(fresh.Fingerprint(), loaded.Fingerprint());
        Assert.NotEqual(stale.Fingerprint(), loaded.Fingerprint());
    }
}
