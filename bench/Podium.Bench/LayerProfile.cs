using System.Diagnostics;
using Podium.Nn;

/// <summary>Where a training step's time goes: forward and backward per layer, the median over steps (steady against a noisy machine), the best and the mean.</summary>
internal static class LayerProfile
{
    /// <summary>Profiles basic_cnn at batch 32 on Fashion-MNIST's shape, or on the prototype's 3×100×100 (valid padding, 5 classes).</summary>
    public static void Run(bool rgb)
    {
        var model = rgb ? TrainBench.BasicCnn(3, 100, 5, Podium.Nn.Layers.Padding.Valid) : TrainBench.BasicCnn(1, 28, 10, Podium.Nn.Layers.Padding.Same);
        var x = rgb ? new Tensor(32, 3, 100, 100) : new Tensor(32, 1, 28, 28);
        var rng = new Rng(1);
        for (var i = 0; i < x.Length; i++)
        {
            x.Data[i] = rng.NextFloat();
        }

        const int Steps = 60;
        var forward = new double[model.Layers.Count, Steps];
        var backward = new double[model.Layers.Count, Steps];
        for (var s = 0; s < Steps + 5; s++)
        {
            var t = x;
            for (var i = 0; i < model.Layers.Count; i++)
            {
                var clock = Stopwatch.StartNew();
                t = model.Layers[i].Forward(t, training: true);
                if (s >= 5)
                {
                    forward[i, s - 5] = clock.Elapsed.TotalMilliseconds;
                }
            }

            var g = new Tensor(t.Shape);
            g.Span.Fill(0.01f);
            for (var i = model.Layers.Count - 1; i >= 0; i--)
            {
                var clock = Stopwatch.StartNew();
                g = model.Layers[i].Backward(g);
                if (s >= 5)
                {
                    backward[i, s - 5] = clock.Elapsed.TotalMilliseconds;
                }
            }
        }

        for (var i = 0; i < model.Layers.Count; i++)
        {
            var (f, b) = (Row(forward, i), Row(backward, i));
            Console.WriteLine($"{model.Layers[i].Name,-16} forward {Median(f),8:F2} ms (best {f.Min(),6:F2}, mean {f.Average(),6:F2})   " +
                $"backward {Median(b),8:F2} ms (best {b.Min(),6:F2}, mean {b.Average(),6:F2})");
        }
    }

    private static double[] Row(double[,] times, int layer) => Enumerable.Range(0, times.GetLength(1)).Select(s => times[layer, s]).ToArray();

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
    }
}
