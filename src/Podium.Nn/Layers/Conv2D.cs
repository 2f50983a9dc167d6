namespace Podium.Nn.Layers;

/// <summary>
/// 2-D convolution over NCHW input with a kernel of shape (filters, channels, kh, kw) and a bias;
/// optional fused ReLU. Runs as im2col over the whole batch and three GEMMs (forward, weight
/// gradient, input gradient), so every sum has a fixed order whatever the thread count.
/// </summary>
public sealed class Conv2D : Module
{
    private Parameter? _kernel;
    private Parameter? _bias;
    private int _c, _h, _w, _oh, _ow, _padTop, _padLeft;
    private float[] _col = [];
    private float[] _outT = [];
    private float[] _gradT = [];
    private float[] _gradCol = [];
    private Tensor? _output;
    private Tensor? _gradInput;
    private int _batch;

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

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _kernel is null ? [] : [_kernel, _bias!];

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

        (_c, _h, _w) = (inputShape[0], inputShape[1], inputShape[2]);
        (_oh, _padTop) = Out(_h);
        (_ow, _padLeft) = Out(_w);
        if (_oh <= 0 || _ow <= 0)
        {
            throw new ArgumentException($"layer {Name}: a {KernelSize}x{KernelSize} kernel does not fit input {Tensor.Format(inputShape)} with {Padding.ToString().ToLowerInvariant()} padding");
        }

        _kernel = new Parameter(Name + ".kernel", [Filters, _c, KernelSize, KernelSize]);
        _bias = new Parameter(Name + ".bias", [Filters]);
        var area = KernelSize * KernelSize;
        Initializers.GlorotUniform(_kernel.Value.Span, _c * area, Filters * area, rng);
        return [Filters, _oh, _ow];
    }

    // Keras/TensorFlow: "same" pads ceil(n/s) outputs with the extra row or column at the end.
    private (int Out, int PadBefore) Out(int n)
    {
        if (Padding == Padding.Valid)
        {
            return ((n - KernelSize) / Stride + 1, 0);
        }

        var output = (n + Stride - 1) / Stride;
        var total = Math.Max((output - 1) * Stride + KernelSize - n, 0);
        return (output, total / 2);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _batch = input.Batch;
        var k = _c * KernelSize * KernelSize;
        var p = _oh * _ow;
        var columns = _batch * p;
        Ensure(ref _col, k * columns);
        Ensure(ref _outT, Filters * columns);
        Im2Col(input.Data);
        Gemm.Multiply(false, false, Filters, columns, k, 1f, _kernel!.Value.Data, k, _col, columns, 0f, _outT, columns);

        var output = Reuse(ref _output, _batch, OutputShape!);
        var y = output.Data;
        var t = _outT;
        var bias = _bias!.Value.Data;
        Parallel.For(0, _batch, n =>
        {
            for (var f = 0; f < Filters; f++)
            {
                var b = bias[f];
                var src = t.AsSpan(f * columns + n * p, p);
                var dst = y.AsSpan((n * Filters + f) * p, p);
                for (var i = 0; i < p; i++)
                {
                    var v = src[i] + b;
                    dst[i] = Relu && v < 0f ? 0f : v;
                }
            }
        });
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var k = _c * KernelSize * KernelSize;
        var p = _oh * _ow;
        var columns = _batch * p;
        Ensure(ref _gradT, Filters * columns);
        var g = gradOutput.Data;
        var y = _output!.Data;
        var gt = _gradT;
        Parallel.For(0, _batch, n =>
        {
            for (var f = 0; f < Filters; f++)
            {
                var src = g.AsSpan((n * Filters + f) * p, p);
                var outv = y.AsSpan((n * Filters + f) * p, p);
                var dst = gt.AsSpan(f * columns + n * p, p);
                for (var i = 0; i < p; i++)
                {
                    dst[i] = Relu && outv[i] <= 0f ? 0f : src[i];
                }
            }
        });

        if (Trainable)
        {
            Gemm.Multiply(false, true, Filters, k, columns, 1f, gt, columns, _col, columns, 1f, _kernel!.Grad.Data, k);
            var db = _bias!.Grad.Data;
            Parallel.For(0, Filters, f =>
            {
                // One channel's gradient is summed by one thread, in column order.
                var sum = 0f;
                foreach (var v in gt.AsSpan(f * columns, columns))
                {
                    sum += v;
                }

                db[f] += sum;
            });
        }

        var gradInput = Reuse(ref _gradInput, _batch, InputShape!);
        if (SkipInputGradient)
        {
            return gradInput;
        }

        Ensure(ref _gradCol, k * columns);
        Gemm.Multiply(true, false, k, columns, Filters, 1f, _kernel!.Value.Data, k, gt, columns, 0f, _gradCol, columns);
        Col2Im(gradInput.Data);
        return gradInput;
    }

    private static void Ensure(ref float[] buffer, int length)
    {
        if (buffer.Length != length)
        {
            buffer = GC.AllocateUninitializedArray<float>(length);
        }
    }

    private void Im2Col(float[] x)
    {
        var columns = _batch * _oh * _ow;
        var col = _col;
        Parallel.For(0, _batch, n =>
        {
            var p = _oh * _ow;
            for (var c = 0; c < _c; c++)
            {
                var plane = (n * _c + c) * _h * _w;
                for (var i = 0; i < KernelSize; i++)
                {
                    for (var j = 0; j < KernelSize; j++)
                    {
                        var row = ((c * KernelSize + i) * KernelSize + j) * columns + n * p;
                        if (Stride == 1 && _ow == _w)
                        {
                            ShiftedCopy(x, plane, col.AsSpan(row, p), i, j);
                            continue;
                        }

                        for (var oy = 0; oy < _oh; oy++)
                        {
                            var iy = oy * Stride - _padTop + i;
                            var dst = col.AsSpan(row + oy * _ow, _ow);
                            if ((uint)iy >= (uint)_h)
                            {
                                dst.Clear();
                                continue;
                            }

                            var src = plane + iy * _w;
                            if (Stride == 1)
                            {
                                // Output columns lo..hi read one contiguous run of the input row; the rest is padding.
                                var (lo, hi) = (Math.Max(0, _padLeft - j), Math.Min(_ow, _w + _padLeft - j));
                                dst[..lo].Clear();
                                x.AsSpan(src + lo - _padLeft + j, hi - lo).CopyTo(dst[lo..]);
                                dst[hi..].Clear();
                                continue;
                            }

                            for (var ox = 0; ox < _ow; ox++)
                            {
                                var ix = ox * Stride - _padLeft + j;
                                dst[ox] = (uint)ix < (uint)_w ? x[src + ix] : 0f;
                            }
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// Stride 1 with output width = input width: output (oy, ox) reads input (oy + i − padTop, ox + j − padLeft),
    /// so the whole block is the input plane shifted by one offset. One flat copy, then the columns that
    /// wrapped around a row edge, and the rows outside the image, become padding zeros.
    /// </summary>
    private void ShiftedCopy(float[] x, int plane, Span<float> dst, int i, int j)
    {
        var (lo, hi) = RowRange(i);
        var dx = j - _padLeft;
        dst[..(lo * _w)].Clear();
        dst[(hi * _w)..].Clear();
        if (lo >= hi)
        {
            return;
        }

        var from = lo * _w;
        var to = hi * _w;
        var source = plane + (lo + i - _padTop) * _w + dx;
        // Keep the flat copy inside this image plane; what falls outside is border, zeroed below.
        var skipStart = Math.Max(0, plane - source);
        var skipEnd = Math.Max(0, source + (to - from) - (plane + _h * _w));
        x.AsSpan(source + skipStart, to - from - skipStart - skipEnd).CopyTo(dst[(from + skipStart)..]);
        ClearWrapped(dst, lo, hi, dx);
    }

    /// <summary>The inverse of <see cref="ShiftedCopy"/>: adds the block into the plane, after zeroing its padding entries in the scratch buffer.</summary>
    private void ShiftedAdd(Span<float> src, float[] dxPlanes, int plane, int i, int j)
    {
        var (lo, hi) = RowRange(i);
        if (lo >= hi)
        {
            return;
        }

        var dx = j - _padLeft;
        ClearWrapped(src, lo, hi, dx);
        var from = lo * _w;
        var to = hi * _w;
        var target = plane + (lo + i - _padTop) * _w + dx;
        var skipStart = Math.Max(0, plane - target);
        var skipEnd = Math.Max(0, target + (to - from) - (plane + _h * _w));
        Vec.AddTo(dxPlanes.AsSpan(target + skipStart, to - from - skipStart - skipEnd), src[(from + skipStart)..(to - skipEnd)]);
    }

    // Output rows whose input row oy + i − padTop lies inside the image.
    private (int Lo, int Hi) RowRange(int i) => (Math.Max(0, _padTop - i), Math.Min(_oh, _h + _padTop - i));

    // Columns whose input column ox + dx falls off the row: at most |dx| at one end of each row.
    private void ClearWrapped(Span<float> block, int lo, int hi, int dx)
    {
        if (dx == 0)
        {
            return;
        }

        for (var oy = lo; oy < hi; oy++)
        {
            var rowSpan = block.Slice(oy * _w, _w);
            if (dx < 0)
            {
                rowSpan[..Math.Min(-dx, _w)].Clear();
            }
            else
            {
                rowSpan[Math.Max(0, _w - dx)..].Clear();
            }
        }
    }

    private void Col2Im(float[] dx)
    {
        var columns = _batch * _oh * _ow;
        var col = _gradCol;
        Parallel.For(0, _batch, n =>
        {
            var p = _oh * _ow;
            dx.AsSpan(n * _c * _h * _w, _c * _h * _w).Clear();
            for (var c = 0; c < _c; c++)
            {
                var plane = (n * _c + c) * _h * _w;
                for (var i = 0; i < KernelSize; i++)
                {
                    for (var j = 0; j < KernelSize; j++)
                    {
                        var row = ((c * KernelSize + i) * KernelSize + j) * columns + n * p;
                        if (Stride == 1 && _ow == _w)
                        {
                            ShiftedAdd(col.AsSpan(row, p), dx, plane, i, j);
                            continue;
                        }

                        for (var oy = 0; oy < _oh; oy++)
                        {
                            var iy = oy * Stride - _padTop + i;
                            if ((uint)iy >= (uint)_h)
                            {
                                continue;
                            }

                            var src = col.AsSpan(row + oy * _ow, _ow);
                            var dst = plane + iy * _w;
                            if (Stride == 1)
                            {
                                var (lo, hi) = (Math.Max(0, _padLeft - j), Math.Min(_ow, _w + _padLeft - j));
                                Vec.AddTo(dx.AsSpan(dst + lo - _padLeft + j, hi - lo), src[lo..hi]);
                                continue;
                            }

                            for (var ox = 0; ox < _ow; ox++)
                            {
                                var ix = ox * Stride - _padLeft + j;
                                if ((uint)ix < (uint)_w)
                                {
                                    dx[dst + ix] += src[ox];
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
