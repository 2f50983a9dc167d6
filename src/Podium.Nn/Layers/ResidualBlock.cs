namespace Podium.Nn.Layers;

/// <summary>
/// y = body(x) + shortcut(x), then ReLU: the basic block of residual networks. The shortcut is the
/// identity, or a projection (e.g. a 1×1 convolution with stride) when the body changes the shape.
/// </summary>
public sealed class ResidualBlock : Module
{
    private readonly Module[] _body;
    private readonly Module[] _shortcut;
    private Tensor? _output;
    private Tensor? _gradInput;
    private Tensor? _gradSum;

    /// <summary>A block from its body layers, an optional projection, and whether ReLU follows the sum.</summary>
    public ResidualBlock(IReadOnlyList<Module> body, IReadOnlyList<Module>? projection = null, bool relu = true)
    {
        if (body.Count == 0)
        {
            throw new ArgumentException("a residual block needs at least one body layer", nameof(body));
        }

        _body = [.. body];
        _shortcut = projection is null ? [] : [.. projection];
        Relu = relu;
    }

    /// <inheritdoc/>
    public override string Kind => "residual_block";

    /// <summary>Whether ReLU follows the sum.</summary>
    public bool Relu { get; }

    /// <summary>The body's layers.</summary>
    public IReadOnlyList<Module> Body => _body;

    /// <summary>The projection's layers; empty for the identity.</summary>
    public IReadOnlyList<Module> Projection => _shortcut;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [.. _body.SelectMany(m => m.Parameters), .. _shortcut.SelectMany(m => m.Parameters)];

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>
    {
        ["body"] = _body.Select(m => m.Name).ToArray(), ["projection"] = _shortcut.Select(m => m.Name).ToArray(), ["activation"] = Relu ? "relu" : "linear",
    };

    /// <inheritdoc/>
    protected override void OnTrainableChanged(bool trainable)
    {
        foreach (var m in _body.Concat(_shortcut))
        {
            m.Trainable = trainable;
        }
    }

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng)
    {
        var shape = BuildChain(_body, inputShape, rng, "body");
        var shortcut = _shortcut.Length == 0 ? inputShape : BuildChain(_shortcut, inputShape, rng, "projection");
        if (!shape.AsSpan().SequenceEqual(shortcut))
        {
            throw new ArgumentException($"residual block {Name}: the body gives {Tensor.Format(shape)} but the shortcut gives {Tensor.Format(shortcut)}; add a projection that matches");
        }

        return shape;
    }

    private int[] BuildChain(Module[] chain, int[] shape, Rng rng, string part)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var m in chain)
        {
            var seen = counts.GetValueOrDefault(m.Kind);
            counts[m.Kind] = seen + 1;
            m.Name = $"{Name}.{part}.{(seen == 0 ? m.Kind : $"{m.Kind}_{seen}")}";
            shape = m.Build(shape, new Rng(rng.NextUInt64()));
        }

        return shape;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        var body = input;
        foreach (var m in _body)
        {
            body = m.Forward(body, training);
        }

        var shortcut = input;
        foreach (var m in _shortcut)
        {
            shortcut = m.Forward(shortcut, training);
        }

        var output = Reuse(ref _output, input.Batch, OutputShape!);
        var (a, b, y) = (body.Data, shortcut.Data, output.Data);
        for (var i = 0; i < y.Length; i++)
        {
            var v = a[i] + b[i];
            y[i] = Relu && v < 0f ? 0f : v;
        }

        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradSum = Reuse(ref _gradSum, gradOutput.Batch, OutputShape!);
        var (g, y, gs) = (gradOutput.Data, _output!.Data, gradSum.Data);
        for (var i = 0; i < g.Length; i++)
        {
            gs[i] = Relu && y[i] <= 0f ? 0f : g[i];
        }

        var throughBody = gradSum;
        for (var i = _body.Length - 1; i >= 0; i--)
        {
            throughBody = _body[i].Backward(throughBody);
        }

        var throughShortcut = gradSum;
        for (var i = _shortcut.Length - 1; i >= 0; i--)
        {
            throughShortcut = _shortcut[i].Backward(throughShortcut);
        }

        var gradInput = Reuse(ref _gradInput, gradOutput.Batch, InputShape!);
        var (d1, d2, dx) = (throughBody.Data, throughShortcut.Data, gradInput.Data);
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] = d1[i] + d2[i];
        }

        return gradInput;
    }
}
