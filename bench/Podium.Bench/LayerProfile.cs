using System.Diagnostics;
using Podium.Nn;

/// <summary>Where a training step's time goes: forward and backward per layer, averaged over steps.</summary>
internal static class LayerProfile
{
    public static void Run()
    {
        var model = TrainBench.BasicCnn(1, 28, 10, Podium.Nn.Layers.Padding.Same);
        var x = new Tensor(32, 1, 28, 28);
        var rng = new Rng(1);
        for (var i = 0; i < x.Length; i++)
        {
            x.Data[i] = rng.NextFloat();
        }

        var forward = new double[model.Layers.Count];
        var backward = new double[model.Layers.Count];
        const int Steps = 30;
        for (var s = 0; s < Steps + 5; s++)
        {
            var t = x;
            for (var i = 0; i < model.Layers.Count; i++)
            {
                var clock = Stopwatch.StartNew();
                t = model.Layers[i].Forward(t, training: true);
                if (s >= 5)
                {
                    forward[i] += clock.Elapsed.TotalMilliseconds;
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
                    backward[i] += clock.Elapsed.TotalMilliseconds;
                }
            }
        }

        for (var i = 0; i < model.Layers.Count; i++)
        {
            Console.WriteLine($"{model.Layers[i].Name,-16} forward {forward[i] / Steps,8:F2} ms   backward {backward[i] / Steps,8:F2} ms");
        }
    }
}
