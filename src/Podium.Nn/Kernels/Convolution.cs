namespace Podium.Nn.Kernels;

/// <summary>
/// A convolution engine for one built layer: the forward pass with bias and optional ReLU, and the backward pass. Two
/// engines exist, chosen once when the layer is built (<see cref="For"/>): <see cref="Im2ColConvolution"/> everywhere,
/// and <see cref="DirectConvolution"/> for stride 1 with many channels on machines with AVX-512.
/// </summary>
/// <remarks>
/// Both split the batch into a fixed number of partitions, whatever the thread count, one partition per worker. Each
/// partition sums its own kernel and bias gradients and the partitions are added in order, so results are
/// bit-identical on any number of threads.
/// </remarks>
internal abstract class Convolution
{
    /// <summary>Partitions of a batch; fixed so results never depend on the machine.</summary>
    protected const int Partitions = 4;

    /// <summary>Per-partition buffers, reused across batches.</summary>
    private protected readonly Scratch[] _scratch = Enumerable.Range(0, Partitions).Select(_ => new Scratch()).ToArray();

    protected Convolution(ConvGeometry geometry, bool relu) => (Geometry, Relu) = (geometry, relu);

    /// <summary>The shapes this engine was built for.</summary>
    public ConvGeometry Geometry { get; }

    /// <summary>Whether ReLU follows the bias.</summary>
    public bool Relu { get; }

    /// <summary>The engine for a layer: direct where it pays and the machine runs it, else im2col.</summary>
    /// <param name="geometry">The layer's shapes.</param>
    /// <param name="relu">Whether ReLU follows the bias.</param>
    /// <param name="kernelGradientBlock">Output positions per block of the direct engine's kernel gradient (tests force small blocks).</param>
    public static Convolution For(ConvGeometry geometry, bool relu, int kernelGradientBlock = 256) =>
        DirectConvolution.Fits(geometry)
            ? new DirectConvolution(geometry, relu, kernelGradientBlock)
            : new Im2ColConvolution(geometry, relu);

    /// <summary>y (batch × filters × outHeight × outWidth) = the convolution of x with kernel, plus bias, through ReLU when asked.</summary>
    public abstract void Forward(float[] x, int batch, float[] kernel, float[] bias, float[] y);

    /// <summary>
    /// From the output gradient g (of the last forward pass, whose input x and output y are given): adds the kernel and
    /// bias gradients to <paramref name="gradKernel"/> and <paramref name="gradBias"/> unless they are null, and writes
    /// the input gradient to <paramref name="gradInput"/> unless it is null.
    /// </summary>
    public abstract void Backward(float[] x, float[] y, float[] g, int batch, float[] kernel, float[]? gradKernel, float[]? gradBias, float[]? gradInput);

    /// <summary>Images per partition for a batch.</summary>
    protected static int PerPartition(int batch) => (batch + Partitions - 1) / Partitions;

    /// <summary>Runs one action per partition of the batch, on the engine's workers: (partition, first image, image count).</summary>
    protected static void ForEachPartition(int batch, Action<int, int, int> work)
    {
        var per = PerPartition(batch);
        Workers.For(Partitions, p =>
        {
            var start = p * per;
            var count = Math.Min(per, batch - start);
            if (count > 0)
            {
                work(p, start, count);
            }
        });
    }

    /// <summary>gradBias += the partitions' bias gradients, partition by partition in order.</summary>
    private protected void AddBiasGradients(int batch, float[] gradBias)
    {
        var per = PerPartition(batch);
        for (var part = 0; part < Partitions && part * per < batch; part++)
        {
            Vec.AddTo(gradBias, _scratch[part].GradBias.AsSpan(0, Geometry.Filters));
        }
    }

    /// <summary>
    /// The output gradient of images start..start+count through ReLU, into <paramref name="masked"/> with filter f of
    /// image n at f·filterStride + n·imageStride; its sums over positions are added to the bias gradient db.
    /// </summary>
    private protected void MaskedGradient(float[] g, float[] y, int start, int count, float[] masked, int filterStride, int imageStride, float[] db)
    {
        var (filters, p) = (Geometry.Filters, Geometry.Positions);
        for (var n = 0; n < count; n++)
        {
            for (var f = 0; f < filters; f++)
            {
                var at = ((start + n) * filters + f) * p;
                db[f] += Vec.ReluGradient(g.AsSpan(at, p), y.AsSpan(at, p), masked.AsSpan(f * filterStride + n * imageStride, p), Relu);
            }
        }
    }

    /// <summary>A partition's buffers, reused across batches.</summary>
    private protected sealed class Scratch
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
}
