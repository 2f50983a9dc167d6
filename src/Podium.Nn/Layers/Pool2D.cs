namespace Podium.Nn.Layers;

/// <summary>What max and average pooling share: square windows, a stride, 'valid' padding, and the output geometry.</summary>
public abstract class Pool2D : Module
{
    /// <summary>A pooling layer; the stride defaults to the pool size.</summary>
    protected Pool2D(int poolSize, int? stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolSize);
        PoolSize = poolSize;
        Stride = stride ?? poolSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Stride);
    }

    /// <summary>Window height and width.</summary>
    public int PoolSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Input channels, height and width; output height and width; the current batch.</summary>
    private protected int C, H, W, OutH, OutW, BatchSize;

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

        (C, H, W) = (inputShape[0], inputShape[1], inputShape[2]);
        if (H < PoolSize || W < PoolSize)
        {
            throw new ArgumentException($"layer {Name}: a {PoolSize}x{PoolSize} pool does not fit input {Tensor.Format(inputShape)}");
        }

        (OutH, OutW) = ((H - PoolSize) / Stride + 1, (W - PoolSize) / Stride + 1);
        return [C, OutH, OutW];
    }
}
