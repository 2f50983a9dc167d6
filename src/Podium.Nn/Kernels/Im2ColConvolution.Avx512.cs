using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Podium.Nn.Kernels;

/// <summary>
/// im2col and col2im for stride 1 on AVX-512: each 16-wide piece of a row is one masked load, which reads zeros where
/// the kernel hangs over the border, and one store.
/// </summary>
internal sealed partial class Im2ColConvolution
{
    // Lane masks over an input row (col2im) and over an output row (im2col); see RowMasks. Empty off the vector path.
    private readonly float[] _inputRowMasks;
    private readonly float[] _outputRowMasks;

    /// <summary>Stride 1 on a machine with AVX-512: im2col and col2im move masked 16-wide vectors (both mask sets are built together).</summary>
    private bool StrideOneVector => _outputRowMasks.Length > 0;

    /// <summary>
    /// Stride 1: output row oy of column row (c, i, j) is input row oy + i − padTop shifted by j − padLeft. Each
    /// 16-wide piece is one masked load, which reads zeros where the kernel hangs over the border, and one store.
    /// </summary>
    private unsafe void CopyRows(float[] x, int first, int images, float[] col)
    {
        var (channels, h, w, oh, ow, size, padTop, padLeft) = (Geometry.Channels, Geometry.Height, Geometry.Width, Geometry.OutHeight, Geometry.OutWidth, Geometry.KernelSize, Geometry.PadTop, Geometry.PadLeft);
        var (p, columns, vectors) = (Geometry.Positions, images * Geometry.Positions, (ow + 15) / 16);
        fixed (float* pX = x, pCol = col, pMasks = _outputRowMasks)
        {
            var tail = pMasks + size * vectors * 16;
            for (var n = 0; n < images; n++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var plane = pX + ((long)(first + n) * channels + c) * h * w;
                    for (var i = 0; i < size; i++)
                    {
                        for (var j = 0; j < size; j++)
                        {
                            var row = pCol + (long)((c * size + i) * size + j) * columns + n * p;
                            var masks = pMasks + j * vectors * 16;
                            for (var oy = 0; oy < oh; oy++)
                            {
                                var iy = oy - padTop + i;
                                var src = plane + (long)iy * w + j - padLeft;
                                var dst = row + oy * ow;
                                for (var v = 0; v < vectors; v++)
                                {
                                    var value = (uint)iy < (uint)h
                                        ? Avx512F.MaskLoad(src + v * 16, Vector512.Load(masks + v * 16), Vector512<float>.Zero)
                                        : Vector512<float>.Zero;
                                    if (v * 16 + 16 <= ow)
                                    {
                                        value.Store(dst + v * 16);
                                    }
                                    else
                                    {
                                        Avx512F.MaskStore(dst + v * 16, Vector512.Load(tail + v * 16), value);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Stride 1: input pixel (y, x) receives column entry (c, i, j) at output (y − i + padTop, x − j + padLeft). Sixteen
    /// pixels of a row are summed in one register over every kernel offset, each offset one masked load from its
    /// column row, and stored once, so no pixel is read back while its last write is still in flight. The offsets
    /// are added in the same order as one add per offset would, so the sums are the same.
    /// </summary>
    private unsafe void GatherColumns(float[] col, int first, int images, float[] dx)
    {
        var (channels, h, w, oh, ow, size, padTop, padLeft) = (Geometry.Channels, Geometry.Height, Geometry.Width, Geometry.OutHeight, Geometry.OutWidth, Geometry.KernelSize, Geometry.PadTop, Geometry.PadLeft);
        var (p, columns, vectors, area) = (Geometry.Positions, images * Geometry.Positions, (w + 15) / 16, size * size);
        fixed (float* pCol = col, pDx = dx, pMasks = _inputRowMasks)
        {
            for (var n = 0; n < images; n++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var plane = pDx + ((long)(first + n) * channels + c) * h * w;
                    var rows = pCol + (long)c * area * columns + n * p;
                    for (var y = 0; y < h; y++)
                    {
                        // Kernel rows whose output row y − i + padTop exists.
                        var (iFirst, iEnd) = (Math.Max(0, y + padTop - oh + 1), Math.Min(size, y + padTop + 1));
                        for (var v = 0; v < vectors; v++)
                        {
                            var sum = Vector512<float>.Zero;
                            for (var i = iFirst; i < iEnd; i++)
                            {
                                var at = rows + (long)i * size * columns + (y - i + padTop) * ow + v * 16 + padLeft;
                                for (var j = 0; j < size; j++)
                                {
                                    var mask = Vector512.Load(pMasks + (j * vectors + v) * 16);
                                    sum += Avx512F.MaskLoad(at + (long)j * columns - j, mask, Vector512<float>.Zero);
                                }
                            }

                            var to = plane + y * w + v * 16;
                            if (v * 16 + 16 <= w)
                            {
                                sum.Store(to);
                            }
                            else
                            {
                                Avx512F.MaskStore(to, Vector512.Load(pMasks + (size * vectors + v) * 16), sum);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// For stride 1 with AVX-512, masks over the 16-wide vectors of a row of <paramref name="width"/>: per kernel column
    /// j, all-ones in the lanes that are in the row and whose column on the other side, <paramref name="partner"/>(lane, j),
    /// lies in [0, <paramref name="partnerWidth"/>); then one more set, all-ones where the lane is in the row.
    /// </summary>
    private float[] RowMasks(int width, Func<int, int, int> partner, int partnerWidth)
    {
        var size = Geometry.KernelSize;
        if (Geometry.Stride != 1 || !Avx512F.IsSupported)
        {
            return [];
        }

        var vectors = (width + 15) / 16;
        var masks = new float[(size + 1) * vectors * 16];
        var ones = BitConverter.Int32BitsToSingle(-1);
        for (var j = 0; j <= size; j++)
        {
            for (var x = 0; x < vectors * 16; x++)
            {
                var inside = x < width && (j == size || (uint)partner(x, j) < (uint)partnerWidth);
                masks[j * vectors * 16 + x] = inside ? ones : 0f;
            }
        }

        return masks;
    }
}
