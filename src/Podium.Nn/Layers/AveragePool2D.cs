namespace Podium.Nn.Layers;

/// <summary>Average pooling over square windows ('valid' padding); each window's gradient is shared equally.</summary>
public sealed class AveragePool2D : Module
{
    private int _c, _h, _w, _oh, _ow, _batch;
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <summary>A pooling layer; the stride defaults to the pool size.</summary>
    public AveragePool2D(int poolSize = 2, int? stride = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolSize);
        PoolSize = poolSize;
        Stride = stride ?? poolSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Stride);
    }

    /// <inheritdoc/>
    public override string Kind => "average_pooling2d";

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
        (_oh, _ow) = ((_h - PoolSize) / Stride + 1, (_w - PoolSize) / Stride + 1);
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
        var (x, y) = (input.Data, output.Data);
        var scale = 1f / (PoolSize * PoolSize);
        Parallel.For(0, _batch * _c, plane =>
        {
            for (var oy = 0; oy < _oh; oy++)
            {
                for (var ox = 0; ox < _ow; ox++)
                {
                    var sum = 0f;
                    for (var i = 0; i < PoolSize; i++)
                    {
                        var row = (plane * _h + oy * Stride + i) * _w + ox * Stride;
                        for (var j = 0; j < PoolSize; j++)
                        {
                            sum += x[row + j];
                        }
                    }

                    y[(plane * _oh + oy) * _ow + ox] = sum * scale;
                }
            }
        });
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, _batch, InputShape!);
        var (g, dx) = (gradOutput.Data, gradInput.Data);
        var scale = 1f / (PoolSize * PoolSize);
        Parallel.For(0, _batch * _c, plane =>
        {
            dx.AsSpan(plane * _h * _w, _h * _w).Clear();
            for (var oy = 0; oy < _oh; oy++)
            {
                for (var ox = 0; ox < _ow; ox++)
                {
                    var share = g[(plane * _oh + oy) * _ow + ox] * scale;
                    for (var i = 0; i < PoolSize; i++)
                    {
                        var row = (plane * _h + oy * Stride + i) * _w + ox * Stride;
                        for (var j = 0; j < PoolSize; j++)
                        {
                            dx[row + j] += share;
                        }
                    }
                }
            }
        });
        return gradInput;
    }
}
