using System.Diagnostics;
using System.Text.Json;
using Podium.Nn;
using Podium.Nn.Kernels;

/// <summary>
/// Podium's GEMM in GFLOP/s, best of 10, at the shapes bench/torch-vs-podium.sh also gives oneDNN: squares on 1
/// and 2 threads, and the three products of basic_cnn's second convolution at batch 32 on 2 threads.
/// </summary>
internal static class GemmBench
{
    /// <summary>Name, threads, transposes and sizes of every measured product; the script's oneDNN side reads the same list from the JSON.</summary>
    public static readonly (string Name, int Threads, bool TransA, bool TransB, int M, int N, int K)[] Shapes =
    [
        ("square 1024, 1 thread", 1, false, false, 1024, 1024, 1024),
        ("square 1024, 2 threads", 2, false, false, 1024, 1024, 1024),
        ("square 2048, 1 thread", 1, false, false, 2048, 2048, 2048),
        ("square 2048, 2 threads", 2, false, false, 2048, 2048, 2048),
        ("conv forward W·col", 2, false, false, 64, 6272, 800),
        ("conv dW dY·colT", 2, false, true, 64, 800, 6272),
        ("conv dcol WT·dY", 2, true, false, 800, 6272, 64),
    ];

    /// <summary>
    /// The products Conv2D runs per chunk of images on one thread, in training basic_cnn on Fashion-MNIST at batch 32:
    /// where the engine's GEMM time goes, shape by shape.
    /// </summary>
    private static void Chunks()
    {
        (string Name, bool TransA, bool TransB, int M, int N, int K)[] shapes =
        [
            ("conv2 forward, 1 image", false, false, 64, 196, 800),
            ("conv2 dW, 1 image", false, true, 64, 800, 196),
            ("conv2 dcol, 1 image", true, false, 800, 196, 64),
            ("conv3 forward, 4 images", false, false, 128, 196, 1600),
            ("conv3 dW, 4 images", false, true, 128, 1600, 196),
            ("conv3 dcol, 4 images", true, false, 1600, 196, 128),
        ];
        foreach (var (name, ta, tb, m, n, k) in shapes)
        {
            var best = Best(ta, tb, m, n, k, threads: 1, repeats: 30);
            Console.WriteLine($"gemm: {name} (m={m} n={n} k={k}), 1 thread: {best * 1e6:F0} µs, {2.0 * m * n * k / best / 1e9:F1} GFLOP/s");
        }
    }

    /// <summary>The best time in seconds of a product over random operands, after one warm-up.</summary>
    private static double Best(bool ta, bool tb, int m, int n, int k, int threads, int repeats)
    {
        var random = new Random(0);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var c = new float[m * n];
        Gemm.Multiply(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n, maxThreads: threads);
        var best = double.MaxValue;
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            Gemm.Multiply(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n, maxThreads: threads);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    public static void Run(string? json)
    {
        foreach (var kc in new[] { 64, 128, 256 })
        {
            Console.WriteLine($"gemm: micro-kernel alone, kc={kc}, panels in L1: {Gemm.KernelGflops(kc, 200_000):F1} GFLOP/s");
        }

        var results = new List<Dictionary<string, object>>();
        var threads = Gemm.Threads;
        foreach (var (name, t, ta, tb, m, n, k) in Shapes)
        {
            Gemm.Threads = t;
            var best = Best(ta, tb, m, n, k, t, repeats: 10);
            var gflops = 2.0 * m * n * k / best / 1e9;
            Console.WriteLine($"gemm: {name} (m={m} n={n} k={k}): {best * 1000:F2} ms, {gflops:F1} GFLOP/s");
            results.Add(new() { ["name"] = name, ["threads"] = t, ["m"] = m, ["n"] = n, ["k"] = k, ["gflops"] = Math.Round(gflops, 1) });
        }

        Gemm.Threads = threads;
        Chunks();
        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(results));
        }
    }
}
