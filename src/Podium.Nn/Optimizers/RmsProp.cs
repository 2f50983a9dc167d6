using System.Numerics;

namespace Podium.Nn.Optimizers;

/// <summary>RMSprop as Keras (no momentum, not centred): v = ρ·v + (1 − ρ)·g²; w −= lr·g / √(v + ε), ρ 0.9, ε 1e-7.</summary>
public sealed class RmsProp(double learningRate = 0.001, double rho = 0.9, double epsilon = 1e-7) : Optimizer(learningRate)
{
    /// <inheritdoc/>
    public override string Name => "rmsprop";

    /// <summary>Decay of the mean square.</summary>
    public double Rho { get; } = rho;

    /// <summary>Added under the square root.</summary>
    public double Epsilon { get; } = epsilon;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>(base.Config)
    {
        ["rho"] = Rho, ["epsilon"] = Epsilon,
    };

    /// <inheritdoc/>
    protected override float[][] CreateState(int length) => [new float[length]];

    /// <inheritdoc/>
    protected override void Update(float[] w, float[] g, float[][] state)
    {
        var (lr, rho, eps, v) = ((float)LearningRate, (float)Rho, (float)Epsilon, state[0]);
        ForEachChunk(w.Length, (start, end) =>
        {
            var i = start;
            var (vr, vk, vl, ve) = (new Vector<float>(rho), new Vector<float>(1 - rho), new Vector<float>(lr), new Vector<float>(eps));
            for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
            {
                var gi = new Vector<float>(g, i);
                var vi = Flush(vr * new Vector<float>(v, i) + vk * gi * gi);
                vi.CopyTo(v, i);
                (new Vector<float>(w, i) - vl * gi / Vector.SquareRoot(vi + ve)).CopyTo(w, i);
            }

            for (; i < end; i++)
            {
                v[i] = Flush(rho * v[i] + (1 - rho) * g[i] * g[i]);
                w[i] -= lr * g[i] / MathF.Sqrt(v[i] + eps);
            }
        });
    }
}
