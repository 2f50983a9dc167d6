using Xunit;

namespace Podium.Nn.Tests;

/// <summary>
/// Checks a module against an independent float64 reference: the forward values match, and the
/// module's backward pass (input and parameter gradients) matches central differences of the
/// reference, for the scalar f = Σ R ⊙ output with random R.
/// </summary>
public static class GradientCheck
{
    /// <summary>Reference forward: input values, parameter values (in the module's order), returns outputs.</summary>
    public delegate double[] Reference(double[] input, double[][] parameters);

    public static void Run(Module module, int[] inputShape, int batch, Reference reference, ulong seed = 1, double tolerance = 2e-4)
    {
        var rng = new Rng(seed);
        module.Build(inputShape, rng);
        var input = new Tensor([batch, .. inputShape]);
        for (var i = 0; i < input.Length; i++)
        {
            input.Data[i] = rng.NextFloat() * 2 - 1;
        }

        foreach (var p in module.Parameters)
        {
            for (var i = 0; i < p.Value.Length; i++)
            {
                // Non-zero biases too, so their effect is tested.
                p.Value.Data[i] = rng.NextFloat() * 2 - 1;
            }
        }

        var x = input.Data.Select(v => (double)v).ToArray();
        var parameters = module.Parameters.Select(p => p.Value.Data.Select(v => (double)v).ToArray()).ToArray();
        var expected = reference(x, parameters);

        var output = module.Forward(input, training: true);
        Assert.Equal(expected.Length, output.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Close(output.Data[i], expected[i], tolerance), $"{module.Name} output[{i}]: {output.Data[i]} vs reference {expected[i]}");
        }

        var weights = new Tensor(output.Shape);
        for (var i = 0; i < weights.Length; i++)
        {
            weights.Data[i] = rng.NextFloat() * 2 - 1;
        }

        var r = weights.Data.Select(v => (double)v).ToArray();
        foreach (var p in module.Parameters)
        {
            Array.Clear(p.Grad.Data);
        }

        var gradInput = module.Backward(weights);

        double F(double[] xs, double[][] ps)
        {
            var y = reference(xs, ps);
            var sum = 0.0;
            for (var i = 0; i < y.Length; i++)
            {
                sum += r[i] * y[i];
            }

            return sum;
        }

        const double H = 1e-6;
        // Central difference of F with respect to values[i].
        double Numeric(double[] values, int i)
        {
            var keep = values[i];
            values[i] = keep + H;
            var up = F(x, parameters);
            values[i] = keep - H;
            var down = F(x, parameters);
            values[i] = keep;
            return (up - down) / (2 * H);
        }

        for (var i = 0; i < x.Length; i++)
        {
            var numeric = Numeric(x, i);
            Assert.True(Close(gradInput.Data[i], numeric, tolerance), $"{module.Name} d/dinput[{i}]: {gradInput.Data[i]} vs numeric {numeric}");
        }

        var k = 0;
        foreach (var p in module.Parameters)
        {
            var values = parameters[k++];
            for (var i = 0; i < values.Length; i++)
            {
                var numeric = Numeric(values, i);
                Assert.True(Close(p.Grad.Data[i], numeric, tolerance), $"{p.Name}[{i}]: {p.Grad.Data[i]} vs numeric {numeric}");
            }
        }
    }

    public static bool Close(double actual, double expected, double tolerance) =>
        Math.Abs(actual - expected) <= tolerance * (1 + Math.Abs(expected));
}
