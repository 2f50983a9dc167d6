using System.Numerics;

namespace Podium.Nn.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum and Nesterov momentum, Keras's rule: v = m·v − lr·g; w += v (Nesterov: w += m·v − lr·g).</summary>
public sealed class Sgd(double learningRate = 0.01, double momentum = 0, bool nesterov = false) : Optimizer(learningRate)
{
    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; } = momentum;

    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; } = nesterov;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>(base.Config)
    {
        ["momentum"] = Momentum, ["nesterov"] = Nesterov,
    };

    /// <inheritdoc/>
    protected override float[][] CreateState(int length) => [new float[Momentum == 0 ? 0 : length]];

    /// <inheritdoc/>
    protected override void Update(float[] w, float[] g, float[][] state)
    {
        var lr = (float)LearningRate;
        if (Momentum == 0)
        {
            ForEachChunk(w.Length, (start, end) =>
            {
                var i = start;
                for (var vl = new Vector<float>(lr); i <= end - Vector<float>.Count; i += Vector<float>.Count)
                {
                    (new Vector<float>(w, i) - vl * new Vector<float>(g, i)).CopyTo(w, i);
                }

                for (; i < end; i++)
                {
                    w[i] -= lr * g[i];
                }
            });
            return;
        }

        var (m, v, nesterov) = ((float)Momentum, state[0], Nesterov);
        ForEachChunk(w.Length, (start, end) =>
        {
            var i = start;
            var (vl, vm) = (new Vector<float>(lr), new Vector<float>(m));
            for (; i <= end - Vector<float>.Count; i += Vector<float>.Count)
            {
                var gi = new Vector<float>(g, i);
                var vi = Flush(vm * new Vector<float>(v, i) - vl * gi);
                vi.CopyTo(v, i);
                (new Vector<float>(w, i) + (nesterov ? vm * vi - vl * gi : vi)).CopyTo(w, i);
            }

            for (; i < end; i++)
            {
                v[i] = Flush(m * v[i] - lr * g[i]);
                w[i] += nesterov ? m * v[i] - lr * g[i] : v[i];
            }
        });
    }
}
