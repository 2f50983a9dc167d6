using System.Numerics;

namespace Podium.Nn.Optimizers;

/// <summary>
/// Adam with Keras's defaults (lr 1e-3, β1 0.9, β2 0.999, ε 1e-7) and Keras's form of the update:
/// m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= m·α / (√v + ε), α = lr·√(1 − β2ᵗ)/(1 − β1ᵗ).
/// </summary>
public sealed class Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7) : Optimizer(learningRate)
{
    /// <inheritdoc/>
    public override string Name => "adam";

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; } = beta1;

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; } = beta2;

    /// <summary>Added to √v.</summary>
    public double Epsilon { get; } = epsilon;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>(base.Config)
    {
        ["beta_1"] = Beta1, ["beta_2"] = Beta2, ["epsilon"] = Epsilon,
    };

    /// <inheritdoc/>
    protected override float[][] CreateState(int length) => [new float[length], new float[length]];

    /// <inheritdoc/>
    protected override void Update(float[] w, float[] g, float[][] state)
    {
        var t = Iterations;
        var alpha = (float)(LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, t)) / (1 - Math.Pow(Beta1, t)));
        var (b1, b2, eps) = (1 - (float)Beta1, 1 - (float)Beta2, (float)Epsilon);
        var (m, v) = (state[0], state[1]);
        ForEachChunk(w.Length, (start, end) =>
        {
            var i = start;
            var (vb1, vb2, va, ve) = (new Vector<float>(b1), new Vector<float>(b2), new Vector<float>(alpha), new Vector<float>(eps));
            for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
            {
                var (gi, mi, vi) = (new Vector<float>(g, i), new Vector<float>(m, i), new Vector<float>(v, i));
                mi = Flush(mi + (gi - mi) * vb1);
                vi = Flush(vi + (gi * gi - vi) * vb2);
                mi.CopyTo(m, i);
                vi.CopyTo(v, i);
                (new Vector<float>(w, i) - mi * va / (Vector.SquareRoot(vi) + ve)).CopyTo(w, i);
            }

            for (; i < end; i++)
            {
                m[i] = Flush(m[i] + (g[i] - m[i]) * b1);
                v[i] = Flush(v[i] + (g[i] * g[i] - v[i]) * b2);
                w[i] -= m[i] * alpha / (MathF.Sqrt(v[i]) + eps);
            }
        });
    }
}
