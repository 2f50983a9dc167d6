using Podium.Nn.Kernels;

namespace Podium.Nn.Layers;

/// <summary>
/// 2-D convolution over NCHW input with a kernel of shape (filters, channels, kh, kw) and a bias;
/// optional fused ReLU.
/// </summary>
/// <remarks>
/// The layer holds the configuration, Keras's shape rules and the parameters; the arithmetic is a convolution engine
/// chosen when the layer is built (<see cref="Convolution.For"/>): im2col with the GEMM, or a direct convolution for
/// stride 1 with many channels on machines with AVX-512. Results are bit-identical on any number of threads.
/// </remarks>
public sealed class Conv2D : Module
{
    private Built? _built;
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <summary>A convolution with a square kernel.</summary>
    public Conv2D(int filters, int kernelSize, int stride = 1, Padding padding = Padding.Valid, bool relu = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        Filters = filters;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Relu = relu;
    }

    /// <inheritdoc/>
    public override string Kind => "conv2d";

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between kernel positions.</summary>
    public int Stride { get; }

    /// <summary>Border handling.</summary>
    public Padding Padding { get; }

    /// <summary>Whether ReLU is applied to the output.</summary>
    public bool Relu { get; }

    /// <summary>Skip the input gradient when nothing consumes it (the first layer).</summary>
    internal bool SkipInputGradient { get; set; }

    /// <summary>Output positions per block of the direct engine's kernel gradient; tests set it small to force many blocks.</summary>
    internal int KernelGradientBlock { get; init; } = 256;

    /// <summary>The engine this layer was built with (for tests and benchmarks).</summary>
    internal Convolution? Engine => _built?.Engine;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _built is { } built ? [built.Kernel, built.Bias] : [];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>
    {
        ["filters"] = Filters, ["kernel_size"] = new[] { KernelSize, KernelSize }, ["strides"] = new[] { Stride, Stride },
        ["padding"] = Padding == Padding.Same ? "same" : "valid", ["activation"] = Relu ? "relu" : "linear", ["use_bias"] = true,
    };

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng)
    {
        if (inputShape.Length != 3)
        {
            throw new ArgumentException($"layer {Name} expects (channels, height, width) input, got {Tensor.Format(inputShape)}");
        }

        var (c, h, w) = (inputShape[0], inputShape[1], inputShape[2]);
        var (oh, padTop) = Out(h);
        var (ow, padLeft) = Out(w);
        if (oh <= 0 || ow <= 0)
        {
            throw new ArgumentException($"layer {Name}: a {KernelSize}x{KernelSize} kernel does not fit input {Tensor.Format(inputShape)} with {Padding.ToString().ToLowerInvariant()} padding");
        }

        var geometry = new ConvGeometry(c, h, w, Filters, KernelSize, Stride, oh, ow, padTop, padLeft);
        var kernel = new Parameter(Name + ".kernel", [Filters, c, KernelSize, KernelSize]);
        var area = KernelSize * KernelSize;
        Initializers.GlorotUniform(kernel.Value.Span, c * area, Filters * area, rng);
        _built = new Built(kernel, new Parameter(Name + ".bias", [Filters]), Convolution.For(geometry, Relu, KernelGradientBlock));
        return [Filters, oh, ow];
    }

    // Keras/TensorFlow: "same" pads ceil(n/s) outputs with the extra row or column at the end.
    private (int Out, int PadBefore) Out(int n)
    {
        if (Padding == Padding.Valid)
        {
            return (n < KernelSize ? 0 : (n - KernelSize) / Stride + 1, 0);
        }

        var output = (n + Stride - 1) / Stride;
        var total = Math.Max((output - 1) * Stride + KernelSize - n, 0);
        return (output, total / 2);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        var built = _built!;
        _input = input;
        var output = Reuse(ref _output, input.Batch, OutputShape!);
        built.Engine.Forward(input.Data, input.Batch, built.Kernel.Value.Data, built.Bias.Value.Data, output.Data);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var (built, input) = (_built!, _input!);
        var gradInput = Reuse(ref _gradInput, input.Batch, InputShape!);
        var (gradKernel, gradBias) = Trainable ? (built.Kernel.Grad.Data, built.Bias.Grad.Data) : (null, null);
        built.Engine.Backward(input.Data, _output!.Data, gradOutput.Data, input.Batch, built.Kernel.Value.Data, gradKernel, gradBias,
            SkipInputGradient ? null : gradInput.Data);
        return gradInput;
    }

    /// <summary>What building made: the parameters and the engine, fixed for the layer's life.</summary>
    private sealed record Built(Parameter Kernel, Parameter Bias, Convolution Engine);
}
