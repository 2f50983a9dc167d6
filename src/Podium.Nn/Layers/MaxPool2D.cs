namespace Podium.Nn.Layers;

/// <summary>Max pooling over square windows ('valid' padding, as Keras's default); the gradient goes to the first maximum of each window.</summary>
public sealed class MaxPool2D(int poolSize = 2, int? stride = null) : Pool2D(poolSize, stride)
{
    private int[] _argmax = [];
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <inheritdoc/>
    public override string Kind => "max_pooling2d";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        BatchSize = input.Batch;
        var output = Reuse(ref _output, BatchSize, OutputShape!);
        if (_argmax.Length != output.Length)
        {
            _argmax = new int[output.Length];
        }

        var x = input.Data;
        var y = output.Data;
        var arg = _argmax;
        // Planes in blocks, so each parallel task does enough work to pay for itself.
        var planes = BatchSize * C;
        const int Block = 16;
        Parallel.For(0, (planes + Block - 1) / Block, block =>
        {
            for (var plane = block * Block; plane < Math.Min(planes, (block + 1) * Block); plane++)
            {
                if (PoolSize == 2 && Stride == 2)
                {
                    Pool2x2(x, y, arg, plane);
                }
                else
                {
                    PoolPlane(x, y, arg, plane);
                }
            }
        });
        return output;
    }

    /// <summary>The common 2×2, stride-2 window, unrolled; same tie and NaN rules as the general loop.</summary>
    private void Pool2x2(float[] x, float[] y, int[] arg, int plane)
    {
        var inBase = plane * H * W;
        var outBase = plane * OutH * OutW;
        for (var oy = 0; oy < OutH; oy++)
        {
            var top = inBase + 2 * oy * W;
            var bottom = top + W;
            var o = outBase + oy * OutW;
            for (var ox = 0; ox < OutW; ox++)
            {
                var at = top + 2 * ox;
                var best = x[at];
                if (!(best > float.NegativeInfinity))
                {
                    best = float.NegativeInfinity;
                }

                if (x[at + 1] > best)
                {
                    best = x[at + 1];
                    at++;
                }

                var b = bottom + 2 * ox;
                if (x[b] > best)
                {
                    best = x[b];
                    at = b;
                }

                if (x[b + 1] > best)
                {
                    at = b + 1;
                }

                y[o + ox] = x[at];
                arg[o + ox] = at;
            }
        }
    }

    private void PoolPlane(float[] x, float[] y, int[] arg, int plane)
    {
        var inBase = plane * H * W;
        var outBase = plane * OutH * OutW;
        for (var oy = 0; oy < OutH; oy++)
        {
            for (var ox = 0; ox < OutW; ox++)
            {
                var best = float.NegativeInfinity;
                var at = inBase + oy * Stride * W + ox * Stride;
                for (var i = 0; i < PoolSize; i++)
                {
                    var row = inBase + (oy * Stride + i) * W + ox * Stride;
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

                y[outBase + oy * OutW + ox] = x[at];
                arg[outBase + oy * OutW + ox] = at;
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, BatchSize, InputShape!);
        var dx = gradInput.Data;
        var g = gradOutput.Data;
        var arg = _argmax;
        Parallel.For(0, BatchSize * C, plane =>
        {
            dx.AsSpan(plane * H * W, H * W).Clear();
            var outBase = plane * OutH * OutW;
            for (var i = 0; i < OutH * OutW; i++)
            {
                dx[arg[outBase + i]] += g[outBase + i];
            }
        });
        return gradInput;
    }
}
