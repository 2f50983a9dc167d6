using System.Diagnostics;
using Podium.Nn;

/// <summary>Podium's GEMM in GFLOP/s at the sizes the PyTorch reference measures (n = 1024, 2048; 1 and 2 threads), best of 5.</summary>
internal static class GemmBench
{
    public static void Run()
    {
        foreach (var kc in new[] { 64, 128, 256 })
        {
            Console.WriteLine($"gemm: micro-kernel alone, kc={kc}, panels in L1: {Gemm.KernelGflops(kc, 200_000):F1} GFLOP/s");
        }

        foreach (var n in new[] { 1024, 2048 })
        {
            var random = new Random(0);
            var a = new float[n * n];
            var b = new float[n * n];
            var c = new float[n * n];
            for (var i = 0; i < a.Length; i++)
            {
                a[i] = (float)(random.NextDouble() * 2 - 1);
                b[i] = (float)(random.NextDouble() * 2 - 1);
            }

            foreach (var threads in new[] { 1, 2 })
            {
                Gemm.Threads = threads;
                Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
                var best = double.MaxValue;
                for (var r = 0; r < 5; r++)
                {
                    var clock = Stopwatch.StartNew();
                    Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
                    best = Math.Min(best, clock.Elapsed.TotalSeconds);
                }

                Console.WriteLine($"gemm: n={n}, {threads} thread(s): {2.0 * n * n * n / best / 1e9:F1} GFLOP/s (best of 5, {best * 1000:F1} ms)");
            }
        }

        Gemm.Threads = Environment.ProcessorCount;
        // The three products of basic_cnn's second convolution at batch 32 (Fashion-MNIST, same padding).
        foreach (var (name, ta, tb, m, n, k) in new[]
        {
            ("conv forward  W·col", false, false, 64, 6272, 800),
            ("conv dW  dY·colT", false, true, 64, 800, 6272),
            ("conv dcol  WT·dY", true, false, 800, 6272, 64),
        })
        {
            var a = new float[m * k];
            var b = new float[k * n];
            var c = new float[m * n];
            new Random(1).NextBytes(new byte[1]);
            Gemm.Multiply(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n);
            var best = double.MaxValue;
            for (var r = 0; r < 5; r++)
            {
                var clock = Stopwatch.StartNew();
                Gemm.Multiply(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            Console.WriteLine($"gemm: {name} m={m} n={n} k={k}: {best * 1000:F2} ms, {2.0 * m * n * k / best / 1e9:F1} GFLOP/s");
        }
    }
}
