using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Podium.Nn.Kernels;

/// <summary>
/// The micro-kernels: C[mr×nr] += Apanel(MR×kc)·Bpanel(kc×NR) on packed panels, one per vector width. Each sums
/// every element of C over k in the same order with the same fused multiply-add, so all give the same bits.
/// </summary>
internal static unsafe partial class Gemm
{
    // Widest comes first: static initialisers run in order, and MicroKernel's reads it.
    /// <summary>The widest micro-kernel this machine runs with hardware fused multiply-adds.</summary>
    public static GemmKernel Widest { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmKernel.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernel.Vector256
        : Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.Arm64.IsSupported) ? GemmKernel.Vector128
        : GemmKernel.Scalar;

    /// <summary>The micro-kernel in use: the widest this machine runs (PODIUM_GEMM_KERNEL=scalar, 128, 256 or 512 asks for a narrower one).</summary>
    public static GemmKernel MicroKernel { get; set; } = KernelSettings.GemmKernelName switch
    {
        "scalar" => GemmKernel.Scalar,
        "128" when GemmKernel.Vector128 <= Widest => GemmKernel.Vector128,
        "256" when GemmKernel.Vector256 <= Widest => GemmKernel.Vector256,
        _ => Widest,
    };

    /// <summary>GFLOP/s of the micro-kernel alone on panels that stay in L1 (for the benchmark).</summary>
    internal static double KernelGflops(int kc, int calls)
    {
        var a = GC.AllocateArray<float>(MR * kc, pinned: true);
        var b = GC.AllocateArray<float>(NR * kc, pinned: true);
        var c = GC.AllocateArray<float>(MR * NR, pinned: true);
        a.AsSpan().Fill(0.001f);
        b.AsSpan().Fill(0.001f);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            Kernel(kc, pa, pb, pc, NR, MR, NR);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                Kernel(kc, pa, pb, pc, NR, MR, NR);
            }

            return 2.0 * MR * NR * kc * calls / clock.Elapsed.TotalSeconds / 1e9;
        }
    }

    /// <summary>C[mr×nr] += Apanel(MR×kc)·Bpanel(kc×NR).</summary>
    private static void Kernel(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool overwrite = false)
    {
        switch (MicroKernel)
        {
            case GemmKernel.Vector512 when nr > 32:
                Kernel512(kc, a, b, c, ldc, mr, nr, overwrite);
                break;
            case GemmKernel.Vector512:
                // A narrow edge panel: 16-wide strips, so a few leftover columns do not cost a full 48-wide tile.
                for (var strip = 0; strip < nr; strip += 16)
                {
                    Kernel512Strip(kc, a, b + strip, c + strip, ldc, mr, Math.Min(16, nr - strip), overwrite);
                }

                break;
            case GemmKernel.Vector256:
                Kernel256(kc, a, b, c, ldc, mr, nr, overwrite);
                break;
            case GemmKernel.Vector128:
                Kernel128(kc, a, b, c, ldc, mr, nr, overwrite);
                break;
            default:
                KernelScalar(kc, a, b, c, ldc, mr, nr, overwrite);
                break;
        }
    }

    private static void Kernel512(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool overwrite)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default;
        Vector512<float> c60 = default, c61 = default, c62 = default;
        Vector512<float> c70 = default, c71 = default, c72 = default;
        if (mr == MR && nr == NR)
        {
            // The tile of C is written (or read and added) after the k loop: its 24 lines are fetched meanwhile.
            for (var i = 0; i < MR; i++)
            {
                Sse.Prefetch0(c + (long)i * ldc);
                Sse.Prefetch0(c + (long)i * ldc + 16);
                Sse.Prefetch0(c + (long)i * ldc + 32);
            }
        }

        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(a0, b2, c02);
            var a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(a1, b2, c12);
            var a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(a2, b2, c22);
            var a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(a3, b2, c32);
            var a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            c42 = Avx512F.FusedMultiplyAdd(a4, b2, c42);
            var a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            c52 = Avx512F.FusedMultiplyAdd(a5, b2, c52);
            var a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            c62 = Avx512F.FusedMultiplyAdd(a6, b2, c62);
            var a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            c72 = Avx512F.FusedMultiplyAdd(a7, b2, c72);
            a += MR;
            b += NR;
        }

        if (mr == MR && nr == NR && overwrite)
        {
            Store(c, c00, c01, c02);
            Store(c + ldc, c10, c11, c12);
            Store(c + 2 * ldc, c20, c21, c22);
            Store(c + 3 * ldc, c30, c31, c32);
            Store(c + 4 * ldc, c40, c41, c42);
            Store(c + 5 * ldc, c50, c51, c52);
            Store(c + 6 * ldc, c60, c61, c62);
            Store(c + 7 * ldc, c70, c71, c72);
            return;
        }

        if (mr == MR && nr == NR)
        {
            Add(c, c00, c01, c02);
            Add(c + ldc, c10, c11, c12);
            Add(c + 2 * ldc, c20, c21, c22);
            Add(c + 3 * ldc, c30, c31, c32);
            Add(c + 4 * ldc, c40, c41, c42);
            Add(c + 5 * ldc, c50, c51, c52);
            Add(c + 6 * ldc, c60, c61, c62);
            Add(c + 7 * ldc, c70, c71, c72);
            return;
        }

        // An edge tile: spill to a buffer, add only the valid part.
        var tile = stackalloc float[MR * NR];
        Store(tile, c00, c01, c02);
        Store(tile + NR, c10, c11, c12);
        Store(tile + 2 * NR, c20, c21, c22);
        Store(tile + 3 * NR, c30, c31, c32);
        Store(tile + 4 * NR, c40, c41, c42);
        Store(tile + 5 * NR, c50, c51, c52);
        Store(tile + 6 * NR, c60, c61, c62);
        Store(tile + 7 * NR, c70, c71, c72);
        WriteTile(tile, NR, c, ldc, mr, nr, overwrite);
    }

    /// <summary>Writes (or adds) the valid mr×nr corner of a spilled tile whose rows are <paramref name="stride"/> apart into C.</summary>
    private static void WriteTile(float* tile, int stride, float* c, int ldc, int mr, int nr, bool overwrite)
    {
        for (var i = 0; i < mr; i++)
        {
            for (var j = 0; j < nr; j++)
            {
                c[(long)i * ldc + j] = overwrite ? tile[i * stride + j] : c[(long)i * ldc + j] + tile[i * stride + j];
            }
        }
    }

    /// <summary>C[mr×nr] += Apanel(MR×kc)·Bpanel(kc×16) for one 16-wide strip of an NR-wide panel (nr ≤ 16).</summary>
    private static void Kernel512Strip(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool overwrite)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
            a += MR;
            b += NR;
        }

        var tile = stackalloc float[MR * 16];
        c0.Store(tile);
        c1.Store(tile + 16);
        c2.Store(tile + 32);
        c3.Store(tile + 48);
        c4.Store(tile + 64);
        c5.Store(tile + 80);
        c6.Store(tile + 96);
        c7.Store(tile + 112);
        WriteTile(tile, 16, c, ldc, mr, nr, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2)
    {
        (Vector512.Load(c) + v0).Store(c);
        (Vector512.Load(c + 16) + v1).Store(c + 16);
        (Vector512.Load(c + 32) + v2).Store(c + 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* t, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2)
    {
        v0.Store(t);
        v1.Store(t + 16);
        v2.Store(t + 32);
    }

    /// <summary>
    /// C[mr×nr] += Apanel(MR×kc)·Bpanel(kc×NR) with 256-bit vectors: blocks of 4 rows × 16 columns, whose 8
    /// accumulators, 2 rows of B and a broadcast fit AVX2's 16 registers; the tile is summed in a buffer, then written.
    /// </summary>
    private static void Kernel256(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool overwrite)
    {
        var tile = stackalloc float[MR * NR];
        for (var strip = 0; strip < nr; strip += 16)
        {
            for (var row = 0; row < mr; row += 4)
            {
                Block256(kc, a + row, b + strip, tile + (row * NR) + strip);
            }
        }

        WriteTile(tile, NR, c, ldc, mr, nr, overwrite);
    }

    private static void Block256(int kc, float* a, float* b, float* t)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            a += MR;
            b += NR;
        }

        c00.Store(t);
        c01.Store(t + 8);
        c10.Store(t + NR);
        c11.Store(t + NR + 8);
        c20.Store(t + (2 * NR));
        c21.Store(t + (2 * NR) + 8);
        c30.Store(t + (3 * NR));
        c31.Store(t + (3 * NR) + 8);
    }

    /// <summary>
    /// C[mr×nr] += Apanel(MR×kc)·Bpanel(kc×NR) with 128-bit vectors, for ARM's NEON: blocks of all 8 rows × 8
    /// columns, whose 16 accumulators fit NEON's 32 registers with room for B and a broadcast.
    /// </summary>
    private static void Kernel128(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool overwrite)
    {
        var tile = stackalloc float[MR * NR];
        for (var strip = 0; strip < nr; strip += 8)
        {
            Block128(kc, a, b + strip, tile + strip);
        }

        WriteTile(tile, NR, c, ldc, mr, nr, overwrite);
    }

    private static void Block128(int kc, float* a, float* b, float* t)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector128<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            c00 = Vector128.FusedMultiplyAdd(Vector128.Create(a[0]), b0, c00);
            c01 = Vector128.FusedMultiplyAdd(Vector128.Create(a[0]), b1, c01);
            c10 = Vector128.FusedMultiplyAdd(Vector128.Create(a[1]), b0, c10);
            c11 = Vector128.FusedMultiplyAdd(Vector128.Create(a[1]), b1, c11);
            c20 = Vector128.FusedMultiplyAdd(Vector128.Create(a[2]), b0, c20);
            c21 = Vector128.FusedMultiplyAdd(Vector128.Create(a[2]), b1, c21);
            c30 = Vector128.FusedMultiplyAdd(Vector128.Create(a[3]), b0, c30);
            c31 = Vector128.FusedMultiplyAdd(Vector128.Create(a[3]), b1, c31);
            c40 = Vector128.FusedMultiplyAdd(Vector128.Create(a[4]), b0, c40);
            c41 = Vector128.FusedMultiplyAdd(Vector128.Create(a[4]), b1, c41);
            c50 = Vector128.FusedMultiplyAdd(Vector128.Create(a[5]), b0, c50);
            c51 = Vector128.FusedMultiplyAdd(Vector128.Create(a[5]), b1, c51);
            c60 = Vector128.FusedMultiplyAdd(Vector128.Create(a[6]), b0, c60);
            c61 = Vector128.FusedMultiplyAdd(Vector128.Create(a[6]), b1, c61);
            c70 = Vector128.FusedMultiplyAdd(Vector128.Create(a[7]), b0, c70);
            c71 = Vector128.FusedMultiplyAdd(Vector128.Create(a[7]), b1, c71);
            a += MR;
            b += NR;
        }

        c00.Store(t);
        c01.Store(t + 4);
        c10.Store(t + NR);
        c11.Store(t + NR + 4);
        c20.Store(t + (2 * NR));
        c21.Store(t + (2 * NR) + 4);
        c30.Store(t + (3 * NR));
        c31.Store(t + (3 * NR) + 4);
        c40.Store(t + (4 * NR));
        c41.Store(t + (4 * NR) + 4);
        c50.Store(t + (5 * NR));
        c51.Store(t + (5 * NR) + 4);
        c60.Store(t + (6 * NR));
        c61.Store(t + (6 * NR) + 4);
        c70.Store(t + (7 * NR));
        c71.Store(t + (7 * NR) + 4);
    }

    private static void KernelScalar(int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool overwrite)
    {
        var acc = stackalloc float[MR * NR];
        new Span<float>(acc, MR * NR).Clear();
        for (var p = 0; p < kc; p++)
        {
            for (var i = 0; i < MR; i++)
            {
                var ai = a[p * MR + i];
                for (var j = 0; j < NR; j++)
                {
                    acc[i * NR + j] = MathF.FusedMultiplyAdd(ai, b[p * NR + j], acc[i * NR + j]);
                }
            }
        }

        WriteTile(acc, NR, c, ldc, mr, nr, overwrite);
    }
}
