namespace Podium.Nn.Kernels;

/// <summary>
/// The direct convolution: stride 1 with at least <see cref="MinChannels"/> input channels and filters, on a machine
/// with AVX-512. No im2col: a partition's images are copied once, one after another, into zero-padded planes, and
/// <see cref="DirectConv"/> reads the kernel positions straight from them. The forward pass and the input gradient are
/// the same walk (the input gradient correlates the padded output gradient with the flipped kernel); the kernel
/// gradient walks the partition's output positions. Every walk leaves out the kernel rows that would read only padding.
/// </summary>
internal sealed class DirectConvolution : Convolution
{
    /// <summary>Input channels and filters from which the direct path pays: each tile covers 32 channels.</summary>
    public const int MinChannels = 16;

    // Padded planes' sizes (input: hp × wp, output gradient: hg × wg), the walks' row offsets, and channel counts
    // rounded up to whole tiles.
    private readonly int _hp, _wp, _hg, _wg, _filtersPadded, _channelsPadded;
    private readonly int[] _forwardRows, _inputRows;

    /// <summary>
    /// Output positions per block of the kernel gradient's walk, about 256: the block's gradient for 32 filters (32 KB)
    /// stays in L1 while every kernel row walks it.
    /// </summary>
    private readonly int _kernelGradientBlock;

    // The kernel packed two ways: channels-last for the forward pass, and flipped with input channels last for the input gradient.
    private AlignedFloats? _kernelForward, _kernelFlipped;

    /// <summary>Lays out the planes and walks (the shapes are fixed once built).</summary>
    public DirectConvolution(ConvGeometry geometry, bool relu, int kernelGradientBlock)
        : base(geometry, relu)
    {
        var (k, c, filters) = (geometry.KernelSize, geometry.Channels, geometry.Filters);
        _kernelGradientBlock = kernelGradientBlock;
        (_hp, _wp) = (geometry.OutHeight + k - 1, geometry.OutWidth + k - 1);
        (_hg, _wg) = (geometry.Height + k - 1, geometry.Width + k - 1);
        _filtersPadded = (filters + DirectConv.Width - 1) / DirectConv.Width * DirectConv.Width;
        _channelsPadded = (c + DirectConv.Width - 1) / DirectConv.Width * DirectConv.Width;
        // Walk rows in (kernel row i, plane) order, so the kernel rows an output row needs are one contiguous stretch.
        // Forward: plane c of a padded input; input gradient: plane (filter) of a padded output gradient.
        var (hp, wp, hg, wg) = (_hp, _wp, _hg, _wg);
        _forwardRows = Enumerable.Range(0, k * c).Select(r => r % c * hp * wp + r / c * wp).ToArray();
        _inputRows = Enumerable.Range(0, k * filters).Select(r => r % filters * hg * wg + r / filters * wg).ToArray();
    }

    /// <summary>Whether a layer's shapes take the direct path on this machine.</summary>
    public static bool Fits(ConvGeometry geometry) =>
        DirectConv.Supported && KernelSettings.ConvDirect && geometry.Stride == 1
        && geometry.Channels >= MinChannels && geometry.Filters >= MinChannels;

    /// <summary>
    /// The kernel rows i that reach a source row for output row y: source row y + i − top must lie in [0, sourceRows).
    /// The other kernel rows would read only padding (zeros), so the walks skip them.
    /// </summary>
    private static (int First, int End) TapRows(int y, int top, int sourceRows, int k) =>
        (Math.Max(0, top - y), Math.Max(Math.Max(0, top - y), Math.Min(k, sourceRows + top - y)));

    private static unsafe float* Ensure(ref AlignedFloats? buffer, long length)
    {
        if (buffer is null || buffer.Length < length)
        {
            // Zeroed once: padding borders and padding channels are never written afterwards.
            buffer = new AlignedFloats(checked((int)length));
            new Span<float>(buffer.Pointer, (int)length).Clear();
        }

        return buffer.Pointer;
    }

    /// <summary>Copies images (each channels × height × width) into padded planes: row y of a channel lands at row y + top, column left.</summary>
    private static unsafe void CopyPadded(float* images, int count, int channels, int height, int width, float* padded, int paddedHeight, int paddedWidth, int top, int left)
    {
        for (var c = 0; c < count * channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                new ReadOnlySpan<float>(images + ((long)c * height + y) * width, width)
                    .CopyTo(new Span<float>(padded + ((long)c * paddedHeight + y + top) * paddedWidth + left, width));
            }
        }
    }

    /// <summary>
    /// output (NCHW, count images of channels × rows × width) = the correlation of stacked padded planes (one of
    /// planeSize floats per image, rows paddedWidth apart, sourceRows of them holding data from row top) with a packed
    /// operand (a row of operandWidth floats per step of the walk, rows in (kernel row, plane) order, walkPlanes planes per
    /// kernel row), plus bias and ReLU when given. Each output row walks only the kernel rows that reach its data; rows
    /// narrower than 8 go two to a tile, the same row of two consecutive images, so both need the same kernel rows.
    /// </summary>
    private static unsafe void Correlate(float* planes, long planeSize, int paddedWidth, int count, int rows, int width,
        int* walk, int walkPlanes, int k, int top, int sourceRows, float* operand, int operandWidth, int channels, float* output,
        float* bias, bool relu)
    {
        var tile = stackalloc float[DirectConv.MaxPositions * DirectConv.Width];
        var (step, run) = DirectConv.Cover(width);
        var stepRows = (long)walkPlanes * k * operandWidth;
        for (var c0 = 0; c0 < channels; c0 += DirectConv.Width)
        {
            var span = Math.Min(DirectConv.Width, channels - c0);
            for (var n = 0; n < count; n += step)
            {
                var pair = step == 2 && n + 1 < count;
                for (var y = 0; y < rows; y++)
                {
                    var (first, end) = TapRows(y, top, sourceRows, k);
                    var at = n * planeSize + (long)y * paddedWidth;
                    for (var column = 0; column < width; column += run)
                    {
                        var perRow = Math.Min(run, width - column);
                        DirectConv.Tile(pair ? 2 * perRow : perRow, perRow, planes + at + column, (int)planeSize, walk + first * walkPlanes,
                            (end - first) * walkPlanes, k, operand + first * stepRows + c0, operandWidth, tile, DirectConv.Width, add: false);
                        for (var r = 0; r < (pair ? 2 : 1); r++)
                        {
                            var to = output + (((long)(n + r) * channels + c0) * rows + y) * width + column;
                            var from = tile + r * perRow * DirectConv.Width;
                            for (var c = 0; c < span; c++)
                            {
                                var (add, floor) = (bias is null ? 0f : bias[c0 + c], relu ? 0f : float.NegativeInfinity);
                                var dst = to + (long)c * rows * width;
                                for (var u = 0; u < perRow; u++)
                                {
                                    // Max, not a comparison: no branch on the data's sign (NaN still propagates).
                                    dst[u] = MathF.Max(from[u * DirectConv.Width + c] + add, floor);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Columns of a transposition done together: 16 floats, one cache line of the packed side.</summary>
    private const int TransposeBlock = 16;

    /// <summary>
    /// Packs the kernel (filters × channels × k × k) as walk operand rows in (kernel row i, plane, kernel column j)
    /// order, one column per output channel, stride floats apart. Forward: planes are input channels, columns filters.
    /// Flipped (the input gradient's operand): planes are filters, columns channels, and tap (i, j) holds the kernel's
    /// (k−1−i, k−1−j). Blocks of 16 columns, one per worker at a time: each packed row gets whole cache lines.
    /// </summary>
    private static unsafe void PackTaps(float[] kernel, int filters, int channels, int k, bool flipped, float* to, int stride)
    {
        var (planes, columns) = flipped ? (filters, channels) : (channels, filters);
        Workers.For((columns + TransposeBlock - 1) / TransposeBlock, block =>
        {
            var (first, end) = (block * TransposeBlock, Math.Min(columns, (block + 1) * TransposeBlock));
            for (var plane = 0; plane < planes; plane++)
            {
                for (var i = 0; i < k; i++)
                {
                    for (var j = 0; j < k; j++)
                    {
                        var row = to + ((long)(i * planes + plane) * k + j) * stride;
                        var (ki, kj) = flipped ? (k - 1 - i, k - 1 - j) : (i, j);
                        for (var column = first; column < end; column++)
                        {
                            var (f, c) = flipped ? (plane, column) : (column, plane);
                            row[column] = kernel[((f * channels + c) * k + ki) * k + kj];
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// gradKernel (filters × channels × k × k) += the first count partitions' kernel gradients (rows (i, c, j) of filters, stride
    /// floats apart), summed partition by partition in order, so the sum is the same on any number of threads. Blocks of
    /// 16 filters, one per worker at a time.
    /// </summary>
    private static unsafe void AddKernelGradients(Scratch[] scratch, int count, int filters, int channels, int k, int stride, float[] gradKernel)
    {
        var rows = channels * k * k;
        Workers.For((filters + TransposeBlock - 1) / TransposeBlock, block =>
        {
            var (first, end) = (block * TransposeBlock, Math.Min(filters, (block + 1) * TransposeBlock));
            var sum = stackalloc float[TransposeBlock];
            var parts = stackalloc float*[count];
            for (var part = 0; part < count; part++)
            {
                parts[part] = scratch[part].GradKernelByChannel!.Pointer;
            }

            for (var c = 0; c < channels; c++)
            {
                for (var i = 0; i < k; i++)
                {
                    for (var j = 0; j < k; j++)
                    {
                        var at = ((long)(i * channels + c) * k + j) * stride;
                        for (var f = first; f < end; f++)
                        {
                            sum[f - first] = parts[0][at + f];
                        }

                        for (var part = 1; part < count; part++)
                        {
                            for (var f = first; f < end; f++)
                            {
                                sum[f - first] += parts[part][at + f];
                            }
                        }

                        var tap = (c * k + i) * k + j;
                        for (var f = first; f < end; f++)
                        {
                            gradKernel[f * rows + tap] += sum[f - first];
                        }
                    }
                }
            }
        });
    }

    /// <summary>to[r·stride + f] = from[f·length + r]: filters × length, filter-major, becomes length rows of filters.</summary>
    private static unsafe void FiltersLast(float* from, int filters, int length, float* to, int stride)
    {
        for (var f = 0; f < filters; f++)
        {
            for (var r = 0; r < length; r++)
            {
                to[(long)r * stride + f] = from[(long)f * length + r];
            }
        }
    }

    /// <inheritdoc/>
    public override unsafe void Forward(float[] x, int batch, float[] kernel, float[] bias, float[] y)
    {
        var (k, c, h, w, oh, ow, filters, padTop, padLeft) = (Geometry.KernelSize, Geometry.Channels, Geometry.Height, Geometry.Width, Geometry.OutHeight, Geometry.OutWidth, Geometry.Filters, Geometry.PadTop, Geometry.PadLeft);
        var packed = Ensure(ref _kernelForward, (long)Geometry.Rows * _filtersPadded);
        PackTaps(kernel, filters, c, k, flipped: false, packed, _filtersPadded);
        var per = PerPartition(batch);
        ForEachPartition(batch, (part, start, count) =>
        {
            // The padded planes stay for the backward pass, which reads the same images.
            var padded = Ensure(ref _scratch[part].Padded, (long)per * c * _hp * _wp);
            fixed (float* pX = x, pY = y, pBias = bias)
            fixed (int* rows = _forwardRows)
            {
                CopyPadded(pX + (long)start * c * h * w, count, c, h, w, padded, _hp, _wp, padTop, padLeft);
                Correlate(padded, (long)c * _hp * _wp, _wp, count, oh, ow, rows, c, k, padTop, h, packed, _filtersPadded,
                    filters, pY + (long)start * filters * oh * ow, pBias, Relu);
            }
        });
    }

    /// <inheritdoc/>
    public override unsafe void Backward(float[] x, float[] y, float[] g, int batch, float[] kernel, float[]? gradKernel, float[]? gradBias, float[]? gradInput)
    {
        var (k, p, c, h, w, oh, ow, filters, padTop, padLeft) = (Geometry.KernelSize, Geometry.Positions, Geometry.Channels, Geometry.Height, Geometry.Width, Geometry.OutHeight, Geometry.OutWidth, Geometry.Filters, Geometry.PadTop, Geometry.PadLeft);
        var trainable = gradKernel is not null;
        float* flipped = null;
        if (gradInput is not null)
        {
            flipped = Ensure(ref _kernelFlipped, (long)filters * k * k * _channelsPadded);
            PackTaps(kernel, filters, c, k, flipped: true, flipped, _channelsPadded);
        }

        var per = PerPartition(batch);
        var (gradTop, gradLeft) = (k - 1 - padTop, k - 1 - padLeft);
        var plane = _hp * _wp;
        ForEachPartition(batch, (part, start, count) =>
        {
            var scratch = _scratch[part];
            var db = Scratch.Ensure(ref scratch.GradBias, filters);
            db.AsSpan(0, filters).Clear();
            // The output gradient through ReLU, image by image; its sums are the bias gradient.
            var masked = Scratch.Ensure(ref scratch.Product, count * filters * p);
            MaskedGradient(g, y, start, count, masked, p, filters * p, db);
            fixed (float* pMasked = masked, pDx = gradInput)
            fixed (int* inputRows = _inputRows)
            {
                if (trainable)
                {
                    // The masked gradient by position, filters last: the kernel gradient's operand.
                    var byPosition = Ensure(ref scratch.GradientByPosition, (long)per * p * _filtersPadded);
                    for (var n = 0; n < count; n++)
                    {
                        FiltersLast(pMasked + (long)n * filters * p, filters, p, byPosition + (long)n * p * _filtersPadded, _filtersPadded);
                    }

                    var padded = scratch.Padded!.Pointer;
                    var dW = Ensure(ref scratch.GradKernelByChannel, (long)Geometry.Rows * _filtersPadded);
                    // Output rows in blocks of about _kernelGradientBlock positions, so a block's 32 filters of gradient stay in L1
                    // while every kernel row walks them; blocks after the first add to the sums, always in the same order.
                    var (total, block) = (count * oh, Math.Max(1, _kernelGradientBlock / ow));
                    var walk = Scratch.Ensure(ref scratch.WalkRows, 2 * Math.Min(block, total));
                    fixed (int* rowsAt = walk)
                    {
                        var vecAt = rowsAt + Math.Min(block, total);
                        for (var r0 = 0; r0 < total; r0 += block)
                        {
                            for (var i = 0; i < k; i++)
                            {
                                // Kernel row i meets data only on output rows [first, end) of each image: the walk skips the rest.
                                var (first, end) = TapRows(i, padTop, h, oh);
                                var rows = 0;
                                for (var r = r0; r < Math.Min(r0 + block, total); r++)
                                {
                                    var (n, oy) = Math.DivRem(r, oh);
                                    if (oy >= first && oy < end)
                                    {
                                        (rowsAt[rows], vecAt[rows]) = (n * c * plane + oy * _wp, r * ow * _filtersPadded);
                                        rows++;
                                    }
                                }

                                // Tiles of two channels (c, c + 1) at kernel row i: dW rows (i, c, j) and (i, c + 1, j).
                                for (var f0 = 0; f0 < filters; f0 += DirectConv.Width)
                                {
                                    for (var ch = 0; ch < c; ch += 2)
                                    {
                                        var pair = ch + 1 < c;
                                        DirectConv.Tile(pair ? 2 * k : k, k, padded + (long)ch * plane + i * _wp, plane, rowsAt, rows, ow,
                                            byPosition + f0, _filtersPadded, dW + (long)(i * c + ch) * k * _filtersPadded + f0, _filtersPadded,
                                            add: r0 > 0, vecAt);
                                    }
                                }
                            }
                        }
                    }
                }

                if (gradInput is not null)
                {
                    var paddedGradient = Ensure(ref scratch.PaddedGradient, (long)per * filters * _hg * _wg);
                    CopyPadded(pMasked, count, filters, oh, ow, paddedGradient, _hg, _wg, gradTop, gradLeft);
                    Correlate(paddedGradient, (long)filters * _hg * _wg, _wg, count, h, w, inputRows, filters, k, gradTop, oh, flipped,
                        _channelsPadded, c, pDx + (long)start * c * h * w, null, relu: false);
                }
            }
        });

        if (trainable)
        {
            var used = Math.Min(Partitions, (batch + per - 1) / per);
            AddKernelGradients(_scratch, used, filters, c, k, _filtersPadded, gradKernel!);
            AddBiasGradients(batch, gradBias!);
        }
    }
}
