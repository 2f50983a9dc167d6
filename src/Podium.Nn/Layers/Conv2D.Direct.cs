namespace Podium.Nn.Layers;

/// <summary>
/// Conv2D's direct path: stride 1 with at least <see cref="DirectMinChannels"/> input channels and filters, on a machine
/// with AVX-512. No im2col: a partition's images are copied once, one after another, into zero-padded planes, and
/// <see cref="DirectConv"/> reads the kernel positions straight from them. The forward pass and the input gradient are
/// the same walk (the input gradient correlates the padded output gradient with the flipped kernel); the kernel
/// gradient walks every output position of the partition.
/// </summary>
public sealed partial class Conv2D
{
    /// <summary>Input channels and filters from which the direct path pays: each tile covers 32 channels.</summary>
    internal const int DirectMinChannels = 16;

    /// <summary>
    /// Output positions per block of the kernel gradient's walk, about 256: the block's gradient for 32 filters (32 KB)
    /// stays in L1 while every kernel row walks it. Settable per layer so tests can force many blocks.
    /// </summary>
    internal int KernelGradientBlock { get; set; } = 256;

    /// <summary>Decides the path and, for the direct one, lays out its planes and walks (the shapes are fixed once built).</summary>
    private void PlanDirect()
    {
        _direct = DirectConv.Supported && Stride == 1 && _c >= DirectMinChannels && Filters >= DirectMinChannels
            && Environment.GetEnvironmentVariable("PODIUM_CONV_DIRECT") != "0";
        if (!_direct)
        {
            return;
        }

        var k = KernelSize;
        (_hp, _wp) = (_oh + k - 1, _ow + k - 1);
        (_hg, _wg) = (_h + k - 1, _w + k - 1);
        _filtersPadded = (Filters + DirectConv.Width - 1) / DirectConv.Width * DirectConv.Width;
        _channelsPadded = (_c + DirectConv.Width - 1) / DirectConv.Width * DirectConv.Width;
        // Forward: rows (c, i) of a padded input plane; input gradient: rows (filter, i) of a padded output-gradient plane.
        _forwardRows = Enumerable.Range(0, _c * k).Select(r => r / k * _hp * _wp + r % k * _wp).ToArray();
        _inputRows = Enumerable.Range(0, Filters * k).Select(r => r / k * _hg * _wg + r % k * _wg).ToArray();
    }

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
    /// planeSize floats per image, rows paddedWidth apart) with a packed operand (a row of operandWidth floats per walk
    /// step), plus bias and ReLU when given. The rows of all images form one sequence, so narrow rows pair across images.
    /// </summary>
    private static unsafe void Correlate(float* planes, long planeSize, int paddedWidth, int count, int rows, int width,
        int* walk, int walkRows, int inner, float* operand, int operandWidth, int channels, float* output, float* bias, bool relu)
    {
        var tile = stackalloc float[DirectConv.MaxPositions * DirectConv.Width];
        var (step, run) = DirectConv.Cover(width);
        var total = count * rows;
        for (var c0 = 0; c0 < channels; c0 += DirectConv.Width)
        {
            var span = Math.Min(DirectConv.Width, channels - c0);
            for (var row = 0; row < total; row += step)
            {
                var (n, y) = (row / rows, row % rows);
                var pair = step == 2 && row + 1 < total;
                var (n2, y2) = ((row + 1) / rows, (row + 1) % rows);
                var first = n * planeSize + (long)y * paddedWidth;
                var below = pair ? (int)(n2 * planeSize + (long)y2 * paddedWidth - first) : 0;
                for (var column = 0; column < width; column += run)
                {
                    var perRow = Math.Min(run, width - column);
                    DirectConv.Tile(pair ? 2 * perRow : perRow, perRow, planes + first + column, below, walk, walkRows, inner,
                        operand + c0, operandWidth, tile, DirectConv.Width, add: false);
                    for (var r = 0; r < (pair ? 2 : 1); r++)
                    {
                        var to = output + (((long)(r == 0 ? n : n2) * channels + c0) * rows + (r == 0 ? y : y2)) * width + column;
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

    private unsafe void ForwardDirect(float[] x, float[] y)
    {
        var k = KernelSize;
        var kernel = _kernel!.Value.Data;
        var packed = Ensure(ref _kernelForward, (long)Rows * _filtersPadded);
        fixed (float* pKernel = kernel)
        {
            FiltersLast(pKernel, Filters, Rows, packed, _filtersPadded);
        }

        var per = (_batch + Partitions - 1) / Partitions;
        ForEachPartition((part, start, count) =>
        {
            // The padded planes stay for the backward pass, which reads the same images.
            var padded = Ensure(ref _scratch[part].Padded, (long)per * _c * _hp * _wp);
            fixed (float* pX = x, pY = y, pBias = _bias!.Value.Data)
            fixed (int* rows = _forwardRows)
            {
                CopyPadded(pX + (long)start * _c * _h * _w, count, _c, _h, _w, padded, _hp, _wp, _padTop, _padLeft);
                Correlate(padded, (long)_c * _hp * _wp, _wp, count, _oh, _ow, rows, _c * k, k, packed, _filtersPadded,
                    Filters, pY + (long)start * Filters * _oh * _ow, pBias, Relu);
            }
        });
    }

    private unsafe void BackwardDirect(float[] g, float[] dx, bool trainable, bool needInput)
    {
        var (k, area, p) = (KernelSize, KernelSize * KernelSize, Positions);
        var kernel = _kernel!.Value.Data;
        float* flipped = null;
        if (needInput)
        {
            // Row (filter, i, j) holds kernel[filter, c, k−1−i, k−1−j] over c: the input gradient's operand.
            flipped = Ensure(ref _kernelFlipped, (long)Filters * area * _channelsPadded);
            for (var f = 0; f < Filters; f++)
            {
                for (var c = 0; c < _c; c++)
                {
                    for (var ij = 0; ij < area; ij++)
                    {
                        flipped[((long)f * area + ij) * _channelsPadded + c] = kernel[(f * _c + c) * area + area - 1 - ij];
                    }
                }
            }
        }

        var per = (_batch + Partitions - 1) / Partitions;
        if (trainable && _outputRows.Length < per * _oh)
        {
            // The kernel gradient walks every output row of a partition's images: (image, oy) in the stacked padded input.
            _outputRows = Enumerable.Range(0, per * _oh).Select(r => r / _oh * _c * _hp * _wp + r % _oh * _wp).ToArray();
        }

        var y = _output!.Data;
        var (gradTop, gradLeft) = (k - 1 - _padTop, k - 1 - _padLeft);
        ForEachPartition((part, start, count) =>
        {
            var scratch = _scratch[part];
            var db = Scratch.Ensure(ref scratch.GradBias, Filters);
            db.AsSpan(0, Filters).Clear();
            // The output gradient through ReLU, image by image; its sums are the bias gradient.
            var masked = Scratch.Ensure(ref scratch.Product, count * Filters * p);
            for (var n = 0; n < count; n++)
            {
                for (var f = 0; f < Filters; f++)
                {
                    var at = ((start + n) * Filters + f) * p;
                    db[f] += Vec.ReluGradient(g.AsSpan(at, p), y.AsSpan(at, p), masked.AsSpan((n * Filters + f) * p, p), Relu);
                }
            }

            fixed (float* pMasked = masked, pDx = dx)
            fixed (int* outputRows = _outputRows, inputRows = _inputRows)
            {
                if (trainable)
                {
                    // The masked gradient by position, filters last: the kernel gradient's operand.
                    var byPosition = Ensure(ref scratch.GradientByPosition, (long)per * p * _filtersPadded);
                    for (var n = 0; n < count; n++)
                    {
                        FiltersLast(pMasked + (long)n * Filters * p, Filters, p, byPosition + (long)n * p * _filtersPadded, _filtersPadded);
                    }

                    // Tiles of two (c, i) rows of the kernel, consecutive in (c, i) order, so a pair may span two channels.
                    var padded = scratch.Padded!.Pointer;
                    var dW = Ensure(ref scratch.GradKernelByChannel, (long)Rows * _filtersPadded);
                    // Output rows in blocks of about KernelGradientBlock positions, so a block's 32 filters of gradient stay in L1
                    // while every kernel row walks them; blocks after the first add to the sums, always in the same order.
                    var (total, block) = (count * _oh, Math.Max(1, KernelGradientBlock / _ow));
                    for (var r0 = 0; r0 < total; r0 += block)
                    {
                        var rows = Math.Min(block, total - r0);
                        for (var f0 = 0; f0 < Filters; f0 += DirectConv.Width)
                        {
                            for (var a = 0; a < _c * k; a += 2)
                            {
                                var first = a / k * _hp * _wp + a % k * _wp;
                                var below = a + 1 < _c * k ? (a + 1) / k * _hp * _wp + (a + 1) % k * _wp - first : 0;
                                DirectConv.Tile(a + 1 < _c * k ? 2 * k : k, k, padded + first, below, outputRows + r0, rows, _ow,
                                    byPosition + (long)r0 * _ow * _filtersPadded + f0, _filtersPadded, dW + (long)a * k * _filtersPadded + f0, _filtersPadded, add: r0 > 0);
                            }
                        }
                    }
                }

                if (needInput)
                {
                    var paddedGradient = Ensure(ref scratch.PaddedGradient, (long)per * Filters * _hg * _wg);
                    CopyPadded(pMasked, count, Filters, _oh, _ow, paddedGradient, _hg, _wg, gradTop, gradLeft);
                    Correlate(paddedGradient, (long)Filters * _hg * _wg, _wg, count, _h, _w, inputRows, Filters * k, k, flipped, _channelsPadded,
                        _c, pDx + (long)start * _c * _h * _w, null, relu: false);
                }
            }
        });

        if (trainable)
        {
            // Partitions in a fixed order: the same sum on any number of threads.
            var (gradKernel, gradBias) = (_kernel!.Grad.Data, _bias!.Grad.Data);
            for (var part = 0; part < Partitions && part * per < _batch; part++)
            {
                var dW = _scratch[part].GradKernelByChannel!.Pointer;
                for (var f = 0; f < Filters; f++)
                {
                    for (var r = 0; r < Rows; r++)
                    {
                        gradKernel[f * Rows + r] += dW[(long)r * _filtersPadded + f];
                    }
                }

                Vec.AddTo(gradBias, _scratch[part].GradBias.AsSpan(0, Filters));
            }
        }
    }
}
