namespace Podium.Nn.Layers;

/// <summary>Max pooling over square windows ('valid' padding, as Keras's default); the gradient goes to the first maximum of each window.</summary>
public sealed class MaxPool2D : Module
{
    private int _c, _h, _w, _oh, _ow, _batch;
    private int[] _argmax = [];
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <summary>A pooling layer; the stride defaults to the pool size.</summary>
    public MaxPool2D(int poolSize = 2, int? stride = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolSize);
        PoolSize = poolSize;
        Stride = stride ?? poolSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Stride);
    }

    /// <inheritdoc/>
    public override string Kind => "max_pooling2d";

    /// <summary>Window height and width.</summary>
    public int PoolSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>
    {
        ["pool_size"] = new[] { PoolSize, PoolSize }, ["strides"] = new[] { Stride, Stride }, ["padding"] = "valid",
    };

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng)
    {
        if (inputShape.Length != 3)
        {
            throw new ArgumentException($"layer {Name} expects (channels, height, width) input, got {Tensor.Format(inputShape)}");
        }

        (_c, _h, _w) = (inputShape[0], inputShape[1], inputShape[2]);
        _oh = (_h - PoolSize) / Stride + 1;
        _ow = (_w - PoolSize) / Stride + 1;
        if (_oh <= 0 || _ow <= 0)
        {
            throw new ArgumentException($"layer {Name}: a {PoolSize}x{PoolSize} pool does not fit input {Tensor.Format(inputShape)}");
        }

        return [_c, _oh, _ow];
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _batch = input.Batch;
        var output = Reuse(ref _output, _batch, OutputShape!);
        if (_argmax.Length != output.Length)
        {
            _argmax = new int[output.Length];
        }

        var x = input.Data;
        var y = output.Data;
        var arg = _argmax;
        Parallel.For(0, _batch * _c, plane =>
        {
            var inBase = plane * _h * _w;
            var outBase = plane * _oh * _ow;
            for (var oy = 0; oy < _oh; oy++)
            {
                for (var ox = 0; ox < _ow; ox++)
                {
                    var best = float.NegativeInfinity;
                    var at = inBase + oy * Stride * _w + ox * Stride;
                    for (var i = 0; i < PoolSize; i++)
                    {
                        var row = inBase + (oy * Stride + i) * _w + ox * Stride;
                        for (var j = 0; j < PoolSize; j++)
                        {
                            // Strictly greater: the first maximum wins, and NaN never replaces a number.
                            if (x[row + j] > best)
                            {
                                best = x[row + j];
                                at = row + j;
                            }
                        }
                    }

                    y[outBase + oy * _ow + ox] = x[at];
                    arg[outBase + oy * _ow + ox] = at;
                }
            }
        });
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, _batch, InputShape!);
        var dx = gradInput.Data;
        var g = gradOutput.Data;
        var arg = _argmax;
        Parallel.For(0, _batch * _c, plane =>
        {
            dx.AsSpan(plane * _h * _w, _h * _w).Clear();
            var outBase = plane * _oh * _ow;
            for (var i = 0; i < _oh * _ow; i++)
            {
                dx[arg[outBase + i]] += g[outBase + i];
            }
        });
        return gradInput;
    }
}
