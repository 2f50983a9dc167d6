using System.Runtime.CompilerServices;

namespace Podium.Nn.Kernels;

/// <summary>
/// A left operand op(A) packed once into the micro-kernel's row panels, for products that share it: a
/// convolution multiplies the same weights by every chunk of a batch, and packing them per chunk cost as
/// much as a fifth of a training step.
/// </summary>
/// <remarks>Laid out by the product's K blocks: block pc holds all of M, so the block for rows ic is at pc·M' + ic·kc.</remarks>
internal sealed unsafe class PackedA
{
    private AlignedFloats? _panels;
    private int _paddedM;

    /// <summary>Rows of op(A).</summary>
    public int M { get; private set; }

    /// <summary>Columns of op(A).</summary>
    public int K { get; private set; }

    /// <summary>Packs op(A) (m×k; A itself is k×m when transposed), replacing what was packed before.</summary>
    public void Pack(bool transA, ReadOnlySpan<float> a, int lda, int m, int k)
    {
        (M, K) = (m, k);
        _paddedM = (m + Gemm.MR - 1) / Gemm.MR * Gemm.MR;
        if (_panels is null || _panels.Length < _paddedM * k)
        {
            _panels = new AlignedFloats(_paddedM * k);
        }

        fixed (float* pa = a)
        {
            for (var pc = 0; pc < k; pc += Gemm.KBlock)
            {
                Gemm.PackA(transA, pa, lda, 0, pc, m, Math.Min(Gemm.KBlock, k - pc), 1f, _panels.Pointer + (long)pc * _paddedM);
            }
        }
    }

    /// <summary>The packed panels of rows ic.. in the K block starting at pc (kc wide).</summary>
    public float* Block(int ic, int pc, int kc) => _panels!.Pointer + (long)pc * _paddedM + (long)ic * kc;
}

/// <summary>A pinned float buffer whose start is 64-byte aligned, so the micro-kernel's 512-bit loads never straddle a cache line.</summary>
internal sealed unsafe class AlignedFloats
{
    private const int Alignment = 64;

    // Pinned arrays live on the pinned object heap and never move, so the aligned pointer stays valid for the array's life.
    private readonly float[] _array;

    public AlignedFloats(int length)
    {
        _array = GC.AllocateUninitializedArray<float>(length + Alignment / sizeof(float), pinned: true);
        var address = (nint)Unsafe.AsPointer(ref _array[0]);
        Pointer = (float*)(address + ((Alignment - (address & (Alignment - 1))) & (Alignment - 1)));
        Length = length;
    }

    /// <summary>The aligned start.</summary>
    public float* Pointer { get; }

    /// <summary>Floats available from <see cref="Pointer"/>.</summary>
    public int Length { get; }
}
