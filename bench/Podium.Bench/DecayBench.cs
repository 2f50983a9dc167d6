using System.Diagnostics;
using Podium.Nn;
using Podium.Nn.Layers;
using Podium.Nn.Optimizers;

/// <summary>Adam steps on a million parameters whose gradient was non-zero once and zero since: the state decays towards subnormal floats.</summary>
internal static class DecayBench
{
    public static void Run()
    {
        var layer = new Dense(1000);
        layer.Build([1000], new Rng(0));
        var parameters = layer.Parameters;
        var adam = new Adam();
        parameters[0].Grad.Span.Fill(1f);
        adam.Step(parameters);
        parameters[0].Grad.Span.Clear();
        var clock = Stopwatch.StartNew();
        for (var step = 2; step <= 1400; step++)
        {
            adam.Step(parameters);
            if (step % 200 == 0)
            {
                Console.WriteLine($"adam steps {step - 199}-{step}: {clock.Elapsed.TotalMilliseconds / 200:F3} ms per step (m decayed to about 0.9^{step} = {Math.Pow(0.9, step):E1})");
                clock.Restart();
            }
        }
    }
}
