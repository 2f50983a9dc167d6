using System.Diagnostics;
using System.Globalization;
using Podium.Vision.Images;

/// <summary>
/// Decoding 100×100 RGB JPEGs on one thread, from memory: Podium (SkiaSharp) beside PIL (what Keras's load_img uses)
/// on the same 500 files, the two alternating for three rounds; each side's best round counts.
/// </summary>
internal static class DecodeBench
{
    private const int Files = 500;

    public static void Run()
    {
        var folder = Path.Combine(Path.GetTempPath(), "podium-bench-decode-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Python($"""
                import os, numpy as np
                from PIL import Image
                rng = np.random.RandomState(0)
                for i in range({Files}):
                    img = (rng.rand(100, 100, 3) * 64 + np.linspace(0, 191, 100)[None, :, None]).astype(np.uint8)
                    Image.fromarray(img).save(os.path.join('{folder}', '%04d.jpg' % i), quality=90)
                """);
            var bytes = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
            var (podium, pil) = (0.0, 0.0);
            for (var round = 0; round < 3; round++)
            {
                podium = Math.Max(podium, Podium(bytes));
                pil = Math.Max(pil, Pil(folder));
            }

            Console.WriteLine($"decode: 100x100 RGB JPEG (quality 90, 4:2:0), one thread, from memory, best of 3 alternating rounds over {Files} files");
            Console.WriteLine($"decode: Podium (SkiaSharp) {podium:F0} images/s, PIL {pil:F0} images/s, ratio Podium / PIL {podium / pil:F2}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Podium(byte[][] files)
    {
        foreach (var file in files.Take(20))
        {
            ImageDecoder.Decode(file, "warm-up");
        }

        var clock = Stopwatch.StartNew();
        var count = 0;
        while (clock.Elapsed.TotalSeconds < 2)
        {
            foreach (var file in files)
            {
                ImageDecoder.Decode(file, "bench");
                count++;
            }
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static double Pil(string folder) => double.Parse(Python($"""
        import glob, io, time
        from PIL import Image
        files = [open(f, 'rb').read() for f in sorted(glob.glob('{folder}/*.jpg'))]
        for f in files[:20]: Image.open(io.BytesIO(f)).convert('RGB')
        start, count = time.perf_counter(), 0
        while time.perf_counter() - start < 2:
            for f in files:
                Image.open(io.BytesIO(f)).convert('RGB')
                count += 1
        print(count / (time.perf_counter() - start))
        """), CultureInfo.InvariantCulture);

    private static string Python(string script)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException("python3 failed; it needs Debian's python3-pil and python3-numpy");
    }
}
