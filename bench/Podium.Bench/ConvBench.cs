using System.Diagnostics;
using Podium.Nn;
using Podium.Nn.Kernels;
using Podium.Nn.Layers;

/// <summary>
/// basic_cnn's second and third convolutions alone, at batch 32 on both benchmark shapes, on 1 and 2 threads: the
/// forward pass, the kernel gradient alone and the input gradient alone, each the best of 8 rounds, in ms and GFLOP/s.
/// </summary>
internal static class ConvBench
{
    public static void Run()
    {
        (string Name, int Channels, int Size, int Filters, Padding Padding)[] layers =
        [
            ("Fashion-MNIST conv2d_1", 32, 14, 64, Padding.Same),
            ("Fashion-MNIST conv2d_2", 64, 7, 128, Padding.Same),
            ("3x100x100 conv2d_1", 32, 48, 64, Padding.Valid),
            ("3x100x100 conv2d_2", 64, 22, 128, Padding.Valid),
        ];
        var threads = Gemm.Threads;
        foreach (var (name, channels, size, filters, padding) in layers)
        {
            foreach (var t in new[] { 1, 2 })
            {
                Gemm.Threads = t;
                var output = padding == Padding.Valid ? size - 4 : size;
                var flops = 2.0 * 32 * filters * channels * 25 * output * output;
                var conv = new Conv2D(filters, 5, padding: padding, relu: true);
                conv.Build([channels, size, size], new Rng(0));
                var x = new Tensor(32, channels, size, size);
                var random = new Random(1);
                for (var i = 0; i < x.Length; i++)
                {
                    x.Data[i] = (float)random.NextDouble() - 0.3f;
                }

                var best = new[] { double.MaxValue, double.MaxValue, double.MaxValue };
                for (var round = 0; round < 8; round++)
                {
                    best[0] = Math.Min(best[0], Time(() => conv.Forward(x, training: true)));
                    var y = conv.Forward(x, training: true);
                    conv.SkipInputGradient = true;
                    best[1] = Math.Min(best[1], Time(() => conv.Backward(y)));
                    (conv.SkipInputGradient, conv.Trainable) = (false, false);
                    best[2] = Math.Min(best[2], Time(() => conv.Backward(y)));
                    conv.Trainable = true;
                }

                Console.WriteLine($"conv: {name}, {t} thread(s): forward {best[0]:F2} ms ({flops / best[0] / 1e6:F0} GFLOP/s), " +
                    $"kernel gradient {best[1]:F2} ms ({flops / best[1] / 1e6:F0}), input gradient {best[2]:F2} ms ({flops / best[2] / 1e6:F0})");
            }
        }

        Gemm.Threads = threads;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }
}
