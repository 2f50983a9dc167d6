namespace Podium.Nn.Kernels;

/// <summary>
/// Convolution through im2col and the GEMM, for any stride and padding. Each partition takes its images a chunk at a
/// time, a chunk small enough that its columns stay in the core's L2: im2col, a GEMM while the columns are hot, and the
/// result written straight to NCHW with bias and ReLU. Backward recomputes a chunk's columns rather than keeping the
/// whole batch's (memory traffic, not arithmetic, is what limits a convolution here). With stride 1 on AVX-512, the
/// columns are copied and gathered with masked 16-wide vectors (Im2ColConvolution.Avx512.cs).
/// </summary>
internal sealed partial class Im2ColConvolution : Convolution
{
    // The kernel as the left operand of every chunk's product, packed once per batch (forward), and transposed (backward).
    private readonly PackedA _packedKernel = new();
    private readonly PackedA _packedKernelT = new();

    public Im2ColConvolution(ConvGeometry geometry, bool relu)
        : base(geometry, relu)
    {
        var g = geometry;
        (_inputRowMasks, _outputRowMasks) = (RowMasks(g.Width, (x, j) => x - j + g.PadLeft, g.OutWidth), RowMasks(g.OutWidth, (ox, j) => ox + j - g.PadLeft, g.Width));
    }

    /// <summary>Images per chunk: as many as keep the chunk's columns within the L2 budget, at least one, and enough to fill the GEMM's panels.</summary>
    private int ChunkImages
    {
        get
        {
            var (rows, p) = (Geometry.Rows, Geometry.Positions);
            return Math.Max(Math.Max(1, KernelSettings.ConvChunkBytes / (rows * p * sizeof(float))), (KernelSettings.ConvMinColumns + p - 1) / p);
        }
    }

    /// <inheritdoc/>
    public override void Forward(float[] x, int batch, float[] kernel, float[] bias, float[] y)
    {
        var (k, p, filters) = (Geometry.Rows, Geometry.Positions, Geometry.Filters);
        var chunk = ChunkImages;
        _packedKernel.Pack(false, kernel, k, filters, k);
        ForEachPartition(batch, (part, start, count) =>
        {
            var scratch = _scratch[part];
            for (var first = start; first < start + count; first += chunk)
            {
                var images = Math.Min(chunk, start + count - first);
                var columns = images * p;
                var col = Scratch.Ensure(ref scratch.Col, k * columns);
                var product = Scratch.Ensure(ref scratch.Product, filters * columns);
                Im2Col(x, first, images, col);
                Gemm.Multiply(_packedKernel, false, columns, col, columns, 0f, product, columns, maxThreads: 1);
                for (var n = 0; n < images; n++)
                {
                    for (var f = 0; f < filters; f++)
                    {
                        Vec.AddBias(product.AsSpan(f * columns + n * p, p), bias[f], y.AsSpan(((first + n) * filters + f) * p, p), Relu);
                    }
                }
            }
        });
    }

    /// <inheritdoc/>
    public override void Backward(float[] x, float[] y, float[] g, int batch, float[] kernel, float[]? gradKernel, float[]? gradBias, float[]? gradInput)
    {
        var (k, p, filters) = (Geometry.Rows, Geometry.Positions, Geometry.Filters);
        var chunk = ChunkImages;
        var trainable = gradKernel is not null;
        if (gradInput is not null)
        {
            // The columns' gradient is kernelᵀ·gradient: the kernel, transposed, packed once for every chunk.
            _packedKernelT.Pack(true, kernel, k, k, filters);
        }

        ForEachPartition(batch, (part, start, count) =>
        {
            var scratch = _scratch[part];
            var dW = Scratch.Ensure(ref scratch.GradKernel, filters * k);
            var db = Scratch.Ensure(ref scratch.GradBias, filters);
            db.AsSpan(0, filters).Clear();
            for (var first = start; first < start + count; first += chunk)
            {
                var images = Math.Min(chunk, start + count - first);
                var columns = images * p;
                // The output gradient for this chunk as (filters, images·positions), masked by ReLU; its sums are the bias gradient.
                var gt = Scratch.Ensure(ref scratch.Product, filters * columns);
                MaskedGradient(g, y, first, images, gt, columns, p, db);
                var col = Scratch.Ensure(ref scratch.Col, k * columns);
                if (trainable)
                {
                    Im2Col(x, first, images, col);
                    Gemm.Multiply(false, true, filters, k, columns, 1f, gt, columns, col, columns, first == start ? 0f : 1f, dW, k, maxThreads: 1);
                }

                if (gradInput is not null)
                {
                    // The columns' gradient reuses the column buffer: im2col's values are no longer needed.
                    Gemm.Multiply(_packedKernelT, false, columns, gt, columns, 0f, col, columns, maxThreads: 1);
                    Col2Im(col, first, images, gradInput);
                }
            }
        });

        if (trainable)
        {
            // Partitions in a fixed order: the same sum on any number of threads.
            var per = PerPartition(batch);
            for (var part = 0; part < Partitions && part * per < batch; part++)
            {
                Vec.AddTo(gradKernel, _scratch[part].GradKernel.AsSpan(0, filters * k));
            }

            AddBiasGradients(batch, gradBias!);
        }
    }

    /// <summary>
    /// Calls <paramref name="offset"/> for every (image, channel, kernel row i, kernel column j) of a chunk, with
    /// the input plane's start and the start of the matching block of columns.
    /// </summary>
    private void ForEachOffset(int first, int images, Action<int, int, int, int> offset)
    {
        var (channels, h, w, size, p) = (Geometry.Channels, Geometry.Height, Geometry.Width, Geometry.KernelSize, Geometry.Positions);
        var columns = images * p;
        for (var n = 0; n < images; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                var plane = ((first + n) * channels + c) * h * w;
                for (var i = 0; i < size; i++)
                {
                    for (var j = 0; j < size; j++)
                    {
                        offset(plane, ((c * size + i) * size + j) * columns + n * p, i, j);
                    }
                }
            }
        }
    }

    /// <summary>Columns for images first..first+images: row (c, i, j), column (image, oy, ox).</summary>
    private void Im2Col(float[] x, int first, int images, float[] col)
    {
        if (StrideOneVector)
        {
            CopyRows(x, first, images, col);
            return;
        }

        var (h, w, oh, ow, stride, padTop, padLeft) = (Geometry.Height, Geometry.Width, Geometry.OutHeight, Geometry.OutWidth, Geometry.Stride, Geometry.PadTop, Geometry.PadLeft);
        ForEachOffset(first, images, (plane, row, i, j) =>
        {
            for (var oy = 0; oy < oh; oy++)
            {
                var iy = oy * stride - padTop + i;
                var dst = col.AsSpan(row + oy * ow, ow);
                for (var ox = 0; ox < ow; ox++)
                {
                    var ix = ox * stride - padLeft + j;
                    dst[ox] = (uint)iy < (uint)h && (uint)ix < (uint)w ? x[plane + iy * w + ix] : 0f;
                }
            }
        });
    }

    /// <summary>Writes the columns' gradient back onto images first..first+images: each input pixel sums its entries.</summary>
    private void Col2Im(float[] col, int first, int images, float[] dx)
    {
        if (StrideOneVector)
        {
            GatherColumns(col, first, images, dx);
            return;
        }

        var (h, w, oh, ow, stride, padTop, padLeft) = (Geometry.Height, Geometry.Width, Geometry.OutHeight, Geometry.OutWidth, Geometry.Stride, Geometry.PadTop, Geometry.PadLeft);
        dx.AsSpan(first * Geometry.InputSize, images * Geometry.InputSize).Clear();
        ForEachOffset(first, images, (plane, row, i, j) =>
        {
            for (var oy = 0; oy < oh; oy++)
            {
                var iy = oy * stride - padTop + i;
                if ((uint)iy >= (uint)h)
                {
                    continue;
                }

                var src = col.AsSpan(row + oy * ow, ow);
                var dst = plane + iy * w;
                for (var ox = 0; ox < ow; ox++)
                {
                    var ix = ox * stride - padLeft + j;
                    if ((uint)ix < (uint)w)
                    {
                        dx[dst + ix] += src[ox];
                    }
                }
            }
        });
    }
}
