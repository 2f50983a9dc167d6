using Podium.Nn.Kernels;

namespace Podium.Nn.Layers;

/// <summary>A fully connected layer: y = x·W + b with W of shape (inputs, units), as Keras stores it; optional fused ReLU.</summary>
public sealed class Dense : Module
{
    private Parameter? _kernel;
    private Parameter? _bias;
    private int _inputs;
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
    public override IReadOnlyList<Parameter> Parameters => _kernel is null ? [] : [_kernel, _bias!];

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

        _inputs = inputShape[0];
        _kernel = new Parameter(Name + ".kernel", [_inputs, Units]);
        _bias = new Parameter(Name + ".bias", [Units]);
        Initializers.GlorotUniform(_kernel.Value.Span, _inputs, Units, rng);
        return [Units];
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _input = input;
        var batch = input.Batch;
        var output = Reuse(ref _output, batch, OutputShape!);
        var y = output.Data;
        var bias = _bias!.Value.Data;
        for (var n = 0; n < batch; n++)
        {
            bias.AsSpan().CopyTo(y.AsSpan(n * Units, Units));
        }

        Gemm.Multiply(false, false, batch, Units, _inputs, 1f, input.Data, _inputs, _kernel!.Value.Data, Units, 1f, y, Units);
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
            Gemm.Multiply(true, false, _inputs, Units, batch, 1f, _input.Data, _inputs, g, Units, 1f, _kernel!.Grad.Data, Units);
            var db = _bias!.Grad.Data;
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
        Gemm.Multiply(false, true, batch, _inputs, Units, 1f, g, Units, _kernel!.Value.Data, Units, 0f, gradInput.Data, _inputs);
        return gradInput;
    }
}
