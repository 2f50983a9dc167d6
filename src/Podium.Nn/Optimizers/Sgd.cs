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
            for (var i = 0; i < w.Length; i++)
            {
                w[i] -= lr * g[i];
            }

            return;
        }

        var m = (float)Momentum;
        var v = state[0];
        for (var i = 0; i < w.Length; i++)
        {
            v[i] = Flush(m * v[i] - lr * g[i]);
            w[i] += Nesterov ? m * v[i] - lr * g[i] : v[i];
        }
    }
}
