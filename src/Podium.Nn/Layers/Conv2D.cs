using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Podium.Nn.Layers;

/// <summary>
/// 2-D convolution over NCHW input with a kernel of shape (filters, channels, kh, kw) and a bias;
/// optional fused ReLU.
/// </summary>
/// <remarks>
/// The batch is split into a fixed number of partitions, whatever the thread count. Each partition
/// runs on one thread: im2col for a chunk of images small enough to stay in that core's L2, a GEMM
/// while the columns are hot, and the result written straight to NCHW with bias and ReLU. Backward
/// recomputes a chunk's columns rather than keeping the whole batch's (memory traffic, not
/// arithmetic, is what limits a convolution here). Each partition sums its own weight gradient and
/// the partitions are added in order, so results are bit-identical on any number of threads. Stride-1 layers with 16 or
/// more channels and filters take the direct path instead (Conv2D.Direct.cs): no columns at all, the kernel positions
/// read straight from padded planes.
/// </remarks>
public sealed partial class Conv2D : Module
{
    /// <summary>Partitions of a batch; fixed so results never depend on the machine.</summary>
    private const int Partitions = 4;

    /// <summary>Bytes of im2col columns per chunk: within a core's L2.</summary>
    private static readonly int ChunkBytes = (int.TryParse(Environment.GetEnvironmentVariable("PODIUM_CONV_CHUNK_KB"), out var kb) && kb > 0 ? kb : 1024) * 1024;

    /// <summary>Columns a chunk has at least, so the GEMM fills its 48-wide panels.</summary>
    private static readonly int MinColumns = int.TryParse(Environment.GetEnvironmentVariable("PODIUM_CONV_MIN_COLUMNS"), out var c) && c > 0 ? c : 192;

    private Parameter? _kernel;
    private Parameter? _bias;
    private int _c, _h, _w, _oh, _ow, _padTop, _padLeft;
    private Scratch[] _scratch = [];

    // Stride 1 with AVX-512: lane masks over an input row (col2im) and over an output row (im2col); see RowMasks.
    private float[] _inputRowMasks = [];
    private float[] _outputRowMasks = [];

    // The kernel as the left operand of every chunk's product, packed once per batch (forward), and transposed (backward).
    private readonly PackedA _packedKernel = new();
    private readonly PackedA _packedKernelT = new();

    // The direct path (see DirectConv): padded planes' sizes, the walks' row offsets, the tiles, and the kernel packed
    // two ways, channels-last for the forward pass and flipped with input channels last for the input gradient.
    private bool _direct;
    private int _hp, _wp, _hg, _wg, _filtersPadded, _channelsPadded;
    private int[] _forwardRows = [], _inputRows = [];
    private AlignedFloats? _kernelForward, _kernelFlipped;

    private Tensor? _input;
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

    private int Rows => _c * KernelSize * KernelSize;

    private int Positions => _oh * _ow;

    /// <summary>Stride 1 on a machine with AVX-512: im2col and col2im move masked 16-wide vectors (both mask sets are built together).</summary>
    private bool StrideOneVector => _outputRowMasks.Length > 0;

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
        (_inputRowMasks, _outputRowMasks) = (RowMasks(_w, (x, j) => x - j + _padLeft, _ow), RowMasks(_ow, (ox, j) => ox + j - _padLeft, _w));
        var area = KernelSize * KernelSize;
        PlanDirect();
        Initializers.GlorotUniform(_kernel.Value.Span, _c * area, Filters * area, rng);
        return [Filters, _oh, _ow];
    }

    // Keras/TensorFlow: "same" pads ceil(n/s) outputs with the extra row or column at the end.
    private (int Out, int PadBefore) Out(int n)
    {
        if (Padding == Padding.Valid)
        {
            return (n < KernelSize ? 0 : (n - KernelSize) / Stride + 1, 0);
        }

        var output = (n + Stride - 1) / Stride;
        var total = Math.Max((output - 1) * Stride + KernelSize - n, 0);
        return (output, total / 2);
    }

    /// <summary>Images per chunk: as many as keep the chunk's columns within <see cref="ChunkBytes"/>, at least one.</summary>
    private int ChunkImages => Math.Max(Math.Max(1, ChunkBytes / (Rows * Positions * sizeof(float))), (MinColumns + Positions - 1) / Positions);

    /// <summary>Per-partition buffers, reused across batches.</summary>
    private sealed class Scratch
    {
        public float[] Col = [];
        public float[] Product = [];
        public float[] GradKernel = [];
        public float[] GradBias = [];
        public AlignedFloats? Padded;
        public AlignedFloats? PaddedGradient;
        public AlignedFloats? GradientByPosition;
        public AlignedFloats? GradKernelByChannel;
        public int[] WalkRows = [];

        public static T[] Ensure<T>(ref T[] buffer, int length)
        {
            if (buffer.Length < length)
            {
                buffer = GC.AllocateUninitializedArray<T>(length);
            }

            return buffer;
        }
    }

    private void EnsureScratch()
    {
        if (_scratch.Length != Partitions)
        {
            _scratch = Enumerable.Range(0, Partitions).Select(_ => new Scratch()).ToArray();
        }
    }

    /// <summary>Runs one action per partition of the batch: (partition, first image, image count).</summary>
    private void ForEachPartition(Action<int, int, int> work)
    {
        var per = (_batch + Partitions - 1) / Partitions;
        Workers.For(Partitions, p =>
        {
            var start = p * per;
            var count = Math.Min(per, _batch - start);
            if (count > 0)
            {
                work(p, start, count);
            }
        });
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _input = input;
        _batch = input.Batch;
        EnsureScratch();
        var output = Reuse(ref _output, _batch, OutputShape!);
        if (_direct)
        {
            ForwardDirect(input.Data, output.Data);
            return output;
        }

        var (k, p) = (Rows, Positions);
        var chunk = ChunkImages;
        var (x, y, bias) = (input.Data, output.Data, _bias!.Value.Data);
        _packedKernel.Pack(false, _kernel!.Value.Data, k, Filters, k);
        ForEachPartition((part, start, count) =>
        {
            var scratch = _scratch[part];
            for (var first = start; first < start + count; first += chunk)
            {
                var images = Math.Min(chunk, start + count - first);
                var columns = images * p;
                var col = Scratch.Ensure(ref scratch.Col, k * columns);
                var product = Scratch.Ensure(ref scratch.Product, Filters * columns);
                Im2Col(x, first, images, col);
                Gemm.Multiply(_packedKernel, false, columns, col, columns, 0f, product, columns, maxThreads: 1);
                for (var n = 0; n < images; n++)
                {
                    for (var f = 0; f < Filters; f++)
                    {
                        Vec.AddBias(product.AsSpan(f * columns + n * p, p), bias[f], y.AsSpan(((first + n) * Filters + f) * p, p), Relu);
                    }
                }
            }
        });
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var (k, p) = (Rows, Positions);
        var chunk = ChunkImages;
        var (x, g, y) = (_input!.Data, gradOutput.Data, _output!.Data);
        var gradInput = Reuse(ref _gradInput, _batch, InputShape!);
        var dx = gradInput.Data;
        var trainable = Trainable;
        var needInput = !SkipInputGradient;
        if (_direct)
        {
            BackwardDirect(gradOutput.Data, dx, trainable, needInput);
            return gradInput;
        }

        if (needInput)
        {
            // The columns' gradient is kernelᵀ·gradient: the kernel, transposed, packed once for every chunk.
            _packedKernelT.Pack(true, _kernel!.Value.Data, k, k, Filters);
        }

        ForEachPartition((part, start, count) =>
        {
            var scratch = _scratch[part];
            var dW = Scratch.Ensure(ref scratch.GradKernel, Filters * k);
            var db = Scratch.Ensure(ref scratch.GradBias, Filters);
            for (var first = start; first < start + count; first += chunk)
            {
                var images = Math.Min(chunk, start + count - first);
                var columns = images * p;
                // The output gradient for this chunk as (filters, images·positions), masked by ReLU; its sums are the bias gradient.
                var gt = Scratch.Ensure(ref scratch.Product, Filters * columns);
                if (first == start)
                {
                    db.AsSpan(0, Filters).Clear();
                }

                for (var n = 0; n < images; n++)
                {
                    for (var f = 0; f < Filters; f++)
                    {
                        var at = ((first + n) * Filters + f) * p;
                        db[f] += Vec.ReluGradient(g.AsSpan(at, p), y.AsSpan(at, p), gt.AsSpan(f * columns + n * p, p), Relu);
                    }
                }

                var col = Scratch.Ensure(ref scratch.Col, k * columns);
                if (trainable)
                {
                    Im2Col(x, first, images, col);
                    Gemm.Multiply(false, true, Filters, k, columns, 1f, gt, columns, col, columns, first == start ? 0f : 1f, dW, k, maxThreads: 1);
                }

                if (needInput)
                {
                    // The columns' gradient reuses the column buffer: im2col's values are no longer needed.
                    Gemm.Multiply(_packedKernelT, false, columns, gt, columns, 0f, col, columns, maxThreads: 1);
                    Col2Im(col, first, images, dx);
                }
            }
        });

        if (trainable)
        {
            // Partitions in a fixed order: the same sum on any number of threads.
            var (gradKernel, gradBias) = (_kernel!.Grad.Data, _bias!.Grad.Data);
            var per = (_batch + Partitions - 1) / Partitions;
            for (var part = 0; part < Partitions && part * per < _batch; part++)
            {
                Vec.AddTo(gradKernel, _scratch[part].GradKernel.AsSpan(0, Filters * k));
                Vec.AddTo(gradBias, _scratch[part].GradBias.AsSpan(0, Filters));
            }
        }

        return gradInput;
    }

    /// <summary>
    /// Calls <paramref name="offset"/> for every (image, channel, kernel row i, kernel column j) of a chunk, with
    /// the input plane's start and the start of the matching block of columns.
    /// </summary>
    private void ForEachOffset(int first, int images, Action<int, int, int, int> offset)
    {
        var p = Positions;
        var columns = images * p;
        for (var n = 0; n < images; n++)
        {
            for (var c = 0; c < _c; c++)
            {
                var plane = ((first + n) * _c + c) * _h * _w;
                for (var i = 0; i < KernelSize; i++)
                {
                    for (var j = 0; j < KernelSize; j++)
                    {
                        offset(plane, ((c * KernelSize + i) * KernelSize + j) * columns + n * p, i, j);
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

        ForEachOffset(first, images, (plane, row, i, j) =>
        {
            for (var oy = 0; oy < _oh; oy++)
            {
                var iy = oy * Stride - _padTop + i;
                var dst = col.AsSpan(row + oy * _ow, _ow);
                for (var ox = 0; ox < _ow; ox++)
                {
                    var ix = ox * Stride - _padLeft + j;
                    dst[ox] = (uint)iy < (uint)_h && (uint)ix < (uint)_w ? x[plane + iy * _w + ix] : 0f;
                }
            }
        });
    }

    /// <summary>
    /// Stride 1: output row oy of column row (c, i, j) is input row oy + i − padTop shifted by j − padLeft. Each
    /// 16-wide piece is one masked load, which reads zeros where the kernel hangs over the border, and one store.
    /// </summary>
    private unsafe void CopyRows(float[] x, int first, int images, float[] col)
    {
        var (p, columns, vectors) = (Positions, images * Positions, (_ow + 15) / 16);
        fixed (float* pX = x, pCol = col, pMasks = _outputRowMasks)
        {
            var tail = pMasks + KernelSize * vectors * 16;
            for (var n = 0; n < images; n++)
            {
                for (var c = 0; c < _c; c++)
                {
                    var plane = pX + ((long)(first + n) * _c + c) * _h * _w;
                    for (var i = 0; i < KernelSize; i++)
                    {
                        for (var j = 0; j < KernelSize; j++)
                        {
                            var row = pCol + (long)((c * KernelSize + i) * KernelSize + j) * columns + n * p;
                            var masks = pMasks + j * vectors * 16;
                            for (var oy = 0; oy < _oh; oy++)
                            {
                                var iy = oy - _padTop + i;
                                var src = plane + (long)iy * _w + j - _padLeft;
                                var dst = row + oy * _ow;
                                for (var v = 0; v < vectors; v++)
                                {
                                    var value = (uint)iy < (uint)_h
                                        ? Avx512F.MaskLoad(src + v * 16, Vector512.Load(masks + v * 16), Vector512<float>.Zero)
                                        : Vector512<float>.Zero;
                                    if (v * 16 + 16 <= _ow)
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

    /// <summary>Writes the columns' gradient back onto images first..first+images: each input pixel sums its entries.</summary>
    private void Col2Im(float[] col, int first, int images, float[] dx)
    {
        if (StrideOneVector)
        {
            GatherColumns(col, first, images, dx);
            return;
        }

        dx.AsSpan(first * _c * _h * _w, images * _c * _h * _w).Clear();
        ForEachOffset(first, images, (plane, row, i, j) =>
        {
            for (var oy = 0; oy < _oh; oy++)
            {
                var iy = oy * Stride - _padTop + i;
                if ((uint)iy >= (uint)_h)
                {
                    continue;
                }

                var src = col.AsSpan(row + oy * _ow, _ow);
                var dst = plane + iy * _w;
                for (var ox = 0; ox < _ow; ox++)
                {
                    var ix = ox * Stride - _padLeft + j;
                    if ((uint)ix < (uint)_w)
                    {
                        dx[dst + ix] += src[ox];
                    }
                }
            }
        });
    }

    /// <summary>
    /// Stride 1: input pixel (y, x) receives column entry (c, i, j) at output (y − i + padTop, x − j + padLeft). Sixteen
    /// pixels of a row are summed in one register over every kernel offset, each offset one masked load from its
    /// column row, and stored once, so no pixel is read back while its last write is still in flight. The offsets
    /// are added in the same order as one add per offset would, so the sums are the same.
    /// </summary>
    private unsafe void GatherColumns(float[] col, int first, int images, float[] dx)
    {
        var (p, columns, vectors, area) = (Positions, images * Positions, (_w + 15) / 16, KernelSize * KernelSize);
        fixed (float* pCol = col, pDx = dx, pMasks = _inputRowMasks)
        {
            for (var n = 0; n < images; n++)
            {
                for (var c = 0; c < _c; c++)
                {
                    var plane = pDx + ((long)(first + n) * _c + c) * _h * _w;
                    var rows = pCol + (long)c * area * columns + n * p;
                    for (var y = 0; y < _h; y++)
                    {
                        // Kernel rows whose output row y − i + padTop exists.
                        var (iFirst, iEnd) = (Math.Max(0, y + _padTop - _oh + 1), Math.Min(KernelSize, y + _padTop + 1));
                        for (var v = 0; v < vectors; v++)
                        {
                            var sum = Vector512<float>.Zero;
                            for (var i = iFirst; i < iEnd; i++)
                            {
                                var at = rows + (long)i * KernelSize * columns + (y - i + _padTop) * _ow + v * 16 + _padLeft;
                                for (var j = 0; j < KernelSize; j++)
                                {
                                    var mask = Vector512.Load(pMasks + (j * vectors + v) * 16);
                                    sum += Avx512F.MaskLoad(at + (long)j * columns - j, mask, Vector512<float>.Zero);
                                }
                            }

                            var to = plane + y * _w + v * 16;
                            if (v * 16 + 16 <= _w)
                            {
                                sum.Store(to);
                            }
                            else
                            {
                                Avx512F.MaskStore(to, Vector512.Load(pMasks + (KernelSize * vectors + v) * 16), sum);
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
        if (Stride != 1 || !Avx512F.IsSupported)
        {
            return [];
        }

        var vectors = (width + 15) / 16;
        var masks = new float[(KernelSize + 1) * vectors * 16];
        var ones = BitConverter.Int32BitsToSingle(-1);
        for (var j = 0; j <= KernelSize; j++)
        {
            for (var x = 0; x < vectors * 16; x++)
            {
                var inside = x < width && (j == KernelSize || (uint)partner(x, j) < (uint)partnerWidth);
                masks[j * vectors * 16 + x] = inside ? ones : 0f;
            }
        }

        return masks;
    }
}
