using System.Diagnostics;
using Podium.Vision.Datasets;

/// <summary>Loading a folder of 10,000 JPEGs (100×100 RGB, 5 classes) cold, written once with PIL.</summary>
internal static class FolderBench
{
    public static void Run(string? folder)
    {
        folder ??= Path.Combine(Path.GetTempPath(), "podium-bench-jpegs");
        if (!Directory.Exists(folder))
        {
            var script = $"""
                import os, numpy as np
                from PIL import Image
                rng = np.random.RandomState(0)
                for c in range(5):
                    os.makedirs(os.path.join('{folder}', 'class%d' % c), exist_ok=True)
                    for i in range(2000):
                        img = (rng.rand(100, 100, 3) * 64 + np.linspace(0, 191, 100)[None, :, None]).astype(np.uint8)
                        Image.fromarray(img).save(os.path.join('{folder}', 'class%d' % c, '%05d.jpg' % i), quality=90)
                """;
            var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script]) { UseShellExecute = false };
            using var process = Process.Start(start)!;
            process.WaitForExit();
        }

        var cache = Path.Combine(Path.GetTempPath(), "podium-bench-cache-" + Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable("PODIUM_CACHE_DIR", cache);
        try
        {
            var clock = Stopwatch.StartNew();
            var (data, skipped) = ImageFolder.Load(folder, 100, 100, cache: true);
            Console.WriteLine($"folder: {data.Count:N0} JPEGs (100x100 RGB, {data.ClassNames.Count} classes) decoded, loaded and cached in {clock.Elapsed.TotalSeconds:F2} s ({data.Count / clock.Elapsed.TotalSeconds:F0} images/s), {skipped.Count} skipped");
            clock.Restart();
            (data, _) = ImageFolder.Load(folder, 100, 100, cache: true);
            Console.WriteLine($"folder: the same {data.Count:N0} images from the cache in {clock.Elapsed.TotalSeconds:F2} s ({data.Count / clock.Elapsed.TotalSeconds:F0} images/s)");
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
