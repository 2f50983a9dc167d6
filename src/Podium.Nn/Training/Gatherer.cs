namespace Podium.Nn.Training;

/// <summary>Copies samples into batch tensors that are reused while the batch size stays the same.</summary>
internal sealed class Gatherer
{
    private Tensor? _x;
    private Tensor? _y;

    /// <summary>The samples at the given indices.</summary>
    public (Tensor X, Tensor Y) Gather(Tensor x, Tensor y, ReadOnlySpan<int> indices)
    {
        var bx = Buffer(ref _x, x, indices.Length);
        var by = Buffer(ref _y, y, indices.Length);
        var (px, py) = (x.Length / x.Batch, y.Length / y.Batch);
        for (var i = 0; i < indices.Length; i++)
        {
            x.Data.AsSpan(indices[i] * px, px).CopyTo(bx.Data.AsSpan(i * px));
            y.Data.AsSpan(indices[i] * py, py).CopyTo(by.Data.AsSpan(i * py));
        }

        return (bx, by);
    }

    /// <summary>The samples start..start+size, in order.</summary>
    public (Tensor X, Tensor Y) Slice(Tensor x, Tensor? y, int start, int size)
    {
        var bx = Buffer(ref _x, x, size);
        var px = x.Length / x.Batch;
        x.Data.AsSpan(start * px, size * px).CopyTo(bx.Data);
        if (y is null)
        {
            return (bx, bx);
        }

        var by = Buffer(ref _y, y, size);
        var py = y.Length / y.Batch;
        y.Data.AsSpan(start * py, size * py).CopyTo(by.Data);
        return (bx, by);
    }

    private static Tensor Buffer(ref Tensor? buffer, Tensor like, int batch)
    {
        if (buffer is null || buffer.Batch != batch || !buffer.Shape.AsSpan(1).SequenceEqual(like.Shape.AsSpan(1)))
        {
            buffer = new Tensor([batch, .. like.Shape.AsSpan(1)]);
        }

        return buffer;
    }
}
