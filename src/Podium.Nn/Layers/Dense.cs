using Podium.Nn.Kernels;

namespace Podium.Nn.Layers;

/// <summary>A fully connected layer: y = x·W + b with W of shape (inputs, units), as Keras stores it; optional fused ReLU.</summary>
public sealed class Dense : Module
{
    private Built? _built;
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _gradInput;
    private float[] _masked = [];

    /// <summary>A dense layer of a number of units.</summary>
    public Dense(int units, bool relu = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        Units = units;
        Relu = relu;
    }

    /// <inheritdoc/>
    public override string Kind => "dense";

    /// <summary>Output features.</summary>
    public int Units { get; }

    /// <summary>Whether ReLU is applied to the output.</summary>
    public bool Relu { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _built is { } built ? [built.Kernel, built.Bias] : [];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>
    {
        ["units"] = Units, ["activation"] = Relu ? "relu" : "linear", ["use_bias"] = true,
    };

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng)
    {
        if (inputShape.Length != 1)
        {
            throw new ArgumentException($"layer {Name} expects flat (features) input, got {Tensor.Format(inputShape)}; add a Flatten layer before it");
        }

        var inputs = inputShape[0];
        var kernel = new Parameter(Name + ".kernel", [inputs, Units]);
        Initializers.GlorotUniform(kernel.Value.Span, inputs, Units, rng);
        _built = new Built(inputs, kernel, new Parameter(Name + ".bias", [Units]));
        return [Units];
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        var (inputs, kernel, biasParameter) = _built!;
        _input = input;
        var batch = input.Batch;
        var output = Reuse(ref _output, batch, OutputShape!);
        var y = output.Data;
        var bias = biasParameter.Value.Data;
        for (var n = 0; n < batch; n++)
        {
            bias.AsSpan().CopyTo(y.AsSpan(n * Units, Units));
        }

        Gemm.Multiply(false, false, batch, Units, inputs, 1f, input.Data, inputs, kernel.Value.Data, Units, 1f, y, Units);
        if (Relu)
        {
            for (var i = 0; i < y.Length; i++)
            {
                y[i] = y[i] < 0f ? 0f : y[i];
            }
        }

        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var (inputs, kernel, bias) = _built!;
        var batch = _input!.Batch;
        var g = gradOutput.Data;
        if (Relu)
        {
            if (_masked.Length != g.Length)
            {
                _masked = new float[g.Length];
            }

            var y = _output!.Data;
            for (var i = 0; i < g.Length; i++)
            {
                _masked[i] = y[i] <= 0f ? 0f : g[i];
            }

            g = _masked;
        }

        if (Trainable)
        {
            Gemm.Multiply(true, false, inputs, Units, batch, 1f, _input.Data, inputs, g, Units, 1f, kernel.Grad.Data, Units);
            var db = bias.Grad.Data;
            for (var u = 0; u < Units; u++)
            {
                var sum = 0f;
                for (var n = 0; n < batch; n++)
                {
                    sum += g[n * Units + u];
                }

                db[u] += sum;
            }
        }

        var gradInput = Reuse(ref _gradInput, batch, InputShape!);
        Gemm.Multiply(false, true, batch, inputs, Units, 1f, g, Units, kernel.Value.Data, Units, 0f, gradInput.Data, inputs);
        return gradInput;
    }

    /// <summary>What building made, fixed for the layer's life: the input width and the parameters.</summary>
    private sealed record Built(int Inputs, Parameter Kernel, Parameter Bias);
}
