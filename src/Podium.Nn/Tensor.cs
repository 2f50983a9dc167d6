namespace Podium.Nn;

/// <summary>A dense float32 tensor in row-major (NCHW for images) order.</summary>
public sealed class Tensor
{
    /// <summary>A zero tensor of a shape.</summary>
    public Tensor(params int[] shape)
    {
        Shape = (int[])shape.Clone();
        Data = new float[Count(shape)];
    }

    /// <summary>A tensor over existing data; the length must match the shape.</summary>
    public Tensor(float[] data, params int[] shape)
    {
        if (data.Length != Count(shape))
        {
            throw new ArgumentException($"{data.Length} values do not fill shape {Format(shape)} ({Count(shape)} values)");
        }

        Shape = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>The values.</summary>
    public float[] Data { get; }

    /// <summary>The dimensions, first the batch.</summary>
    public int[] Shape { get; }

    /// <summary>Number of values.</summary>
    public int Length => Data.Length;

    /// <summary>Size of the first dimension.</summary>
    public int Batch => Shape[0];

    /// <summary>The values as a span.</summary>
    public Span<float> Span => Data;

    /// <summary>Product of the dimensions.</summary>
    public static int Count(ReadOnlySpan<int> shape)
    {
        var n = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException("a dimension cannot be negative: " + Format(shape.ToArray()));
            }

            n = checked(n * d);
        }

        return n;
    }

    /// <summary>A shape as text: (32, 1, 28, 28).</summary>
    public static string Format(IEnumerable<int> shape) => "(" + string.Join(", ", shape) + ")";

    /// <summary>The same values with another shape of the same size.</summary>
    public Tensor Reshape(params int[] shape) => new(Data, shape);

    /// <summary>A copy.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), Shape);

    /// <inheritdoc/>
    public override string ToString() => "Tensor" + Format(Shape);
}
