namespace Podium.Nn.Kernels;

/// <summary>The GEMM micro-kernels, narrowest first; each gives the same bits as the others.</summary>
internal enum GemmKernel
{
    /// <summary>One element at a time, with MathF.FusedMultiplyAdd.</summary>
    Scalar,

    /// <summary>128-bit vectors: ARM's NEON (or x86 with FMA, for tests).</summary>
    Vector128,

    /// <summary>256-bit vectors: x86 AVX2 with FMA.</summary>
    Vector256,

    /// <summary>512-bit vectors: x86 AVX-512.</summary>
    Vector512,
}
