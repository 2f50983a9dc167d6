namespace Podium.Nn.Layers;

/// <summary>An activation applied to each value: y = f(x), dx = g·f′(x).</summary>
public abstract class ElementwiseActivation : Module
{
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <summary>f(x).</summary>
    protected abstract float Apply(float x);

    /// <summary>f′ at x, given y = f(x) too (sigmoid and tanh use y).</summary>
    protected abstract float Derivative(float x, float y);

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng) => inputShape;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _input = input;
        var output = Reuse(ref _output, input.Batch, OutputShape!);
        var (x, y) = (input.Data, output.Data);
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = Apply(x[i]);
        }

        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, gradOutput.Batch, InputShape!);
        var (x, y, g, dx) = (_input!.Data, _output!.Data, gradOutput.Data, gradInput.Data);
        for (var i = 0; i < g.Length; i++)
        {
            dx[i] = g[i] * Derivative(x[i], y[i]);
        }

        return gradInput;
    }
}

/// <summary>x for x ≥ 0, α·x below (Keras's default α is 0.3).</summary>
public sealed class LeakyReLU(double alpha = 0.3) : ElementwiseActivation
{
    private readonly float _alpha = (float)alpha;

    /// <inheritdoc/>
    public override string Kind => "leaky_re_lu";

    /// <summary>The slope below zero.</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object> { ["negative_slope"] = Alpha };

    /// <inheritdoc/>
    protected override float Apply(float x) => x >= 0f ? x : _alpha * x;

    /// <inheritdoc/>
    protected override float Derivative(float x, float y) => x >= 0f ? 1f : _alpha;
}

/// <summary>1 / (1 + e^−x).</summary>
public sealed class Sigmoid : ElementwiseActivation
{
    /// <inheritdoc/>
    public override string Kind => "sigmoid";

    /// <inheritdoc/>
    // Written so that neither branch overflows: e^−|x| is at most 1.
    protected override float Apply(float x) => x >= 0f ? 1f / (1f + MathF.Exp(-x)) : MathF.Exp(x) / (1f + MathF.Exp(x));

    /// <inheritdoc/>
    protected override float Derivative(float x, float y) => y * (1f - y);
}

/// <summary>The hyperbolic tangent.</summary>
public sealed class Tanh : ElementwiseActivation
{
    /// <inheritdoc/>
    public override string Kind => "tanh";

    /// <inheritdoc/>
    protected override float Apply(float x) => MathF.Tanh(x);

    /// <inheritdoc/>
    protected override float Derivative(float x, float y) => 1f - y * y;
}
