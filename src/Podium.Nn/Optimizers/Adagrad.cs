using System.Numerics;

namespace Podium.Nn.Optimizers;

/// <summary>Adagrad as Keras: accumulator starts at 0.1; a += g²; w −= lr·g / √(a + ε), ε = 1e-7.</summary>
public sealed class Adagrad(double learningRate = 0.001, double initialAccumulator = 0.1, double epsilon = 1e-7) : Optimizer(learningRate)
{
    /// <inheritdoc/>
    public override string Name => "adagrad";

    /// <summary>The accumulator's starting value.</summary>
    public double InitialAccumulator { get; } = initialAccumulator;

    /// <summary>Added under the square root.</summary>
    public double Epsilon { get; } = epsilon;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>(base.Config)
    {
        ["initial_accumulator_value"] = InitialAccumulator, ["epsilon"] = Epsilon,
    };

    /// <inheritdoc/>
    protected override float[][] CreateState(int length)
    {
        var a = new float[length];
        a.AsSpan().Fill((float)InitialAccumulator);
        return [a];
    }

    /// <inheritdoc/>
    protected override void Update(float[] w, float[] g, float[][] state)
    {
        var (lr, eps, a) = ((float)LearningRate, (float)Epsilon, state[0]);
        ForEachChunk(w.Length, (start, end) =>
        {
            var i = start;
            var (vl, ve) = (new Vector<float>(lr), new Vector<float>(eps));
            for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
            {
                var gi = new Vector<float>(g, i);
                var ai = new Vector<float>(a, i) + gi * gi;
                ai.CopyTo(a, i);
                (new Vector<float>(w, i) - vl * gi / Vector.SquareRoot(ai + ve)).CopyTo(w, i);
            }

            for (; i < end; i++)
            {
                a[i] += g[i] * g[i];
                w[i] -= lr * g[i] / MathF.Sqrt(a[i] + eps);
            }
        });
    }
}
