using System.Diagnostics;
using System.Text.Json;
using Podium.Tests;
using Podium.Vision.Datasets;
using Podium.Vision.Images;
using Xunit;

namespace Podium.Vision.Tests.Images;

/// <summary>Image folders written by PIL (Debian's python3-pil), decoded by libpng and libjpeg-turbo, checked against PIL's own decoding.</summary>
public sealed class ImageFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Python(string script)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { WorkingDirectory = _folder.Path, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        process.StandardInput.Write("import json, numpy as np\nfrom PIL import Image\n" + script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "PIL failed: " + error);
        return output;
    }

    /// <summary>Writes images of many kinds into class folders bird, cat, dog, and prints PIL's RGB and L decoding of each as JSON.</summary>
    private Dictionary<string, (int[] Rgb, int[] Gray)> MakeFolder()
    {
        var json = Python("""
            import os
            rng = np.random.RandomState(0)
            for c in ['dog', 'cat', 'bird']: os.makedirs('data/' + c, exist_ok=True)
            rgb = rng.randint(0, 256, (6, 5, 3)).astype(np.uint8)
            Image.fromarray(rgb).save('data/cat/a_rgb.png')
            rgba = rng.randint(0, 256, (6, 5, 4)).astype(np.uint8)
            Image.fromarray(rgba, 'RGBA').save('data/cat/b_rgba.png')
            Image.fromarray(rgb).quantize(16).save('data/cat/c_palette.png')
            gray = rng.randint(0, 256, (6, 5)).astype(np.uint8)
            Image.fromarray(gray).save('data/dog/a_gray.png')
            Image.fromarray(np.stack([gray, 255 - gray], -1), 'LA').save('data/dog/b_gray_alpha.png')
            Image.fromarray((gray.astype(np.uint16) * 257), 'I;16').save('data/dog/c_gray16.png')
            smooth = (np.add.outer(np.arange(16), np.arange(16)) * 8).astype(np.uint8)
            Image.fromarray(np.stack([smooth, 255 - smooth, smooth // 2], -1)).save('data/bird/a_baseline.jpg', quality=90)
            Image.fromarray(np.stack([smooth, 255 - smooth, smooth // 2], -1)).save('data/bird/b_progressive.JPEG', quality=90, progressive=True)
            Image.fromarray(rgb).save('data/cat/d_rgb24.bmp')
            Image.fromarray(rgb).quantize(16).save('data/cat/e_palette8.bmp')
            Image.fromarray(gray).convert('1').save('data/dog/d_mono.bmp')
            Image.fromarray(np.repeat(np.arange(7, dtype=np.uint8)[None, :] * 30, 3, 0)).save('data/dog/e_odd_width.bmp')
            open('data/bird/notes.txt', 'w').write('not an image')
            out = {}
            for root, _, files in os.walk('data'):
                for f in files:
                    p = os.path.join(root, f)
                    if f.endswith('.txt'): continue
                    im = Image.open(p)
                    if im.mode in ('I;16', 'I'):
                        arr = np.array(im).astype(np.uint32)
                        rgbv = np.repeat(((arr + 128) // 257)[..., None], 3, -1).astype(np.uint8)
                        g = ((arr + 128) // 257).astype(np.uint8)
                    else:
                        rgbv = np.array(im.convert('RGB'))
                        g = np.array(im.convert('RGB').convert('L'))
                    out[os.path.relpath(p, 'data')] = [rgbv.ravel().tolist(), g.ravel().tolist()]
            print(json.dumps(out))
            """);
        return JsonSerializer.Deserialize<Dictionary<string, int[][]>>(json)!.ToDictionary(kv => kv.Key, kv => (kv.Value[0], kv.Value[1]));
    }

    [Fact]
    public void Every_png_kind_and_jpeg_decode_to_the_pixels_pil_gives()
    {
        var expected = MakeFolder();

        foreach (var (file, (rgb, gray)) in expected)
        {
            var path = Path.Combine(_folder.Path, "data", file);
            var decodedRgb = ImageDecoder.Decode(path);
            var decodedGray = ImageDecoder.Decode(path, gray: true);

            Assert.True(rgb.SequenceEqual(decodedRgb.Pixels.Select(b => (int)b)), $"{file}: RGB differs from PIL");
            Assert.True(gray.SequenceEqual(decodedGray.Pixels.Select(b => (int)b)), $"{file}: gray differs from PIL");
        }
    }

    [Fact]
    public void Classes_are_sorted_folders_and_files_sorted_names_with_other_files_ignored()
    {
        MakeFolder();

        var (data, skipped) = ImageFolder.Load(Path.Combine(_folder.Path, "data"), width: 5, height: 6);

        Assert.Equal(["bird", "cat", "dog"], data.ClassNames);
        Assert.Equal([0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2], data.Labels);
        Assert.Equal([12, 3, 6, 5], data.Images.Shape);
        Assert.Empty(skipped);
    }

    [Fact]
    public void Resizing_a_constant_image_keeps_its_value_and_size_matches_the_request()
    {
        Python("import os\nos.makedirs('flat/x')\nImage.fromarray(np.full((10, 20, 3), 51, np.uint8)).save('flat/x/a.png')\n");

        var (data, _) = ImageFolder.Load(Path.Combine(_folder.Path, "flat"), width: 7, height: 3);

        Assert.Equal([1, 3, 3, 7], data.Images.Shape);
        Assert.All(data.Images.Data, v => Assert.Equal(0.2f, v, 6));
    }

    [Fact]
    public void Bad_files_stop_the_load_by_path_or_are_skipped_and_reported()
    {
        MakeFolder();
        File.WriteAllText(Path.Combine(_folder.Path, "data", "cat", "z_corrupt.png"), "not a png at all");
        var jpeg = File.ReadAllBytes(Path.Combine(_folder.Path, "data", "bird", "a_baseline.jpg"));
        File.WriteAllBytes(Path.Combine(_folder.Path, "data", "bird", "c_truncated.jpg"), jpeg[..(jpeg.Length / 3)]);
        var root = Path.Combine(_folder.Path, "data");

        var error = Assert.Throws<ImageDecodeException>(() => ImageFolder.Load(root, 5, 6));
        var (data, skipped) = ImageFolder.Load(root, 5, 6, skipBadFiles: true);

        Assert.Contains("c_truncated.jpg", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 more bad files", error.Message, StringComparison.Ordinal);
        Assert.Equal(12, data.Count);
        Assert.Equal(["c_truncated.jpg", "z_corrupt.png"], skipped.Select(s => Path.GetFileName(s.Path)));
        Assert.Contains("not a PNG, JPEG or BMP", skipped[1].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_bmp_is_named_with_its_problem()
    {
        MakeFolder();
        var bmp = File.ReadAllBytes(Path.Combine(_folder.Path, "data", "cat", "d_rgb24.bmp"));
        var path = Path.Combine(_folder.Path, "cut.bmp");
        File.WriteAllBytes(path, bmp[..(bmp.Length - 20)]);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated BMP", error.Message, StringComparison.Ordinal);
    }
}
