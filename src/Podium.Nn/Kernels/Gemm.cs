using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Podium.Nn.Kernels;

/// <summary>
/// Single-precision matrix multiply, C = alpha·op(A)·op(B) + beta·C, row-major. One routine serves
/// every layer: convolutions through im2col, dense layers directly.
/// </summary>
/// <remarks>
/// The Goto/BLIS structure: B is packed in KC×NC blocks into NR-wide column panels, A in MC×KC
/// blocks into MR-high row panels, and an MR×NR register-blocked micro-kernel runs over them (Gemm.MicroKernels.cs:
/// AVX-512, else AVX2, else 128-bit vectors, else scalar, all giving the same bits). Threads own disjoint column
/// ranges of C, and every element's K-sum runs in the same order whatever the thread count, so results are
/// bit-identical on 1 or N threads.
/// </remarks>
internal static unsafe partial class Gemm
{
    public const int MR = 8;
    public const int NR = 48;
    private static readonly int KC = KernelSettings.GemmKc;
    private static readonly int MC = KernelSettings.GemmMc;
    private static readonly int NC = KernelSettings.GemmNc;

    /// <summary>Threads used by large products; 1 runs everything on the calling thread.</summary>
    public static int Threads { get; set; } = Environment.ProcessorCount;

    [ThreadStatic]
    private static AlignedFloats? t_packA;

    [ThreadStatic]
    private static AlignedFloats? t_packB;

    /// <summary>C[m×n] = alpha·op(A)·op(B) + beta·C where op(A) is m×k and op(B) is k×n; maxThreads 0 means <see cref="Threads"/>.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int maxThreads = 0)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            Multiply(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, maxThreads);
        }
    }

    /// <summary>The same over raw pointers.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int maxThreads = 0) =>
        Multiply(new Left(transA, a, lda, alpha, null), transB, m, n, k, b, ldb, beta, c, ldc, maxThreads);

    /// <summary>C[m×n] = A·op(B) + beta·C with A packed beforehand (see <see cref="PackedA"/>), so products that share A pack it once.</summary>
    public static void Multiply(PackedA a, bool transB, int n, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int maxThreads = 0)
    {
        if (a.M == 0 || n == 0)
        {
            return;
        }

        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            Multiply(new Left(false, null, 0, 1f, a), transB, a.M, n, a.K, pb, ldb, beta, pc, ldc, maxThreads);
        }
    }

    /// <summary>The left operand: op(A) as given (packed block by block as the product goes), or packed beforehand.</summary>
    private readonly struct Left(bool trans, float* data, int ld, float alpha, PackedA? packed)
    {
        public bool Trans { get; } = trans;

        public float* Data { get; } = data;

        public int Ld { get; } = ld;

        public float Alpha { get; } = alpha;

        public PackedA? Packed { get; } = packed;
    }

    private static void Multiply(Left a, bool transB, int m, int n, int k,
        float* b, int ldb, float beta, float* c, int ldc, int maxThreads)
    {
        if (beta != 1f && beta != 0f)
        {
            for (var i = 0; i < m; i++)
            {
                var row = new Span<float>(c + (long)i * ldc, n);
                for (var j = 0; j < n; j++)
                {
                    row[j] *= beta;
                }
            }
        }

        // With beta = 0 the first K block writes C instead of adding to it, so C is never cleared separately.
        var overwrite = beta == 0f;
        if (k == 0 || a.Alpha == 0f)
        {
            if (overwrite)
            {
                for (var i = 0; i < m; i++)
                {
                    new Span<float>(c + (long)i * ldc, n).Clear();
                }
            }

            return;
        }

        var work = (double)m * n * k;
        var threads = Math.Min(maxThreads > 0 ? maxThreads : Threads, Math.Max(1, (n + NR - 1) / NR));
        if (threads <= 1 || work < 2e6)
        {
            Columns(a, transB, m, 0, n, k, b, ldb, c, ldc, overwrite);
            return;
        }

        // Split columns into NR-aligned ranges, one per thread; no two threads touch the same C element.
        var panels = (n + NR - 1) / NR;
        var per = (panels + threads - 1) / threads;
        var (pb, pc) = ((nint)b, (nint)c);
        Workers.For(threads, t =>
        {
            var start = t * per * NR;
            var end = Math.Min(n, (t + 1) * per * NR);
            if (start < end)
            {
                Columns(a, transB, m, start, end, k, (float*)pb, ldb, (float*)pc, ldc, overwrite);
            }
        });
    }

    private static void Columns(Left a, bool transB, int m, int n0, int n1, int k,
        float* b, int ldb, float* c, int ldc, bool overwrite)
    {
        var pB = (t_packB ??= new AlignedFloats(KC * (NC + NR))).Pointer;
        var packA = (t_packA ??= new AlignedFloats(KC * (MC + MR))).Pointer;
        {
            for (var jc = n0; jc < n1; jc += NC)
            {
                var nc = Math.Min(NC, n1 - jc);
                for (var pc = 0; pc < k; pc += KC)
                {
                    var kc = Math.Min(KC, k - pc);
                    PackB(transB, b, ldb, pc, jc, kc, nc, pB);
                    for (var ic = 0; ic < m; ic += MC)
                    {
                        var mc = Math.Min(MC, m - ic);
                        var pA = a.Packed is null ? packA : a.Packed.Block(ic, pc, kc);
                        if (a.Packed is null)
                        {
                            PackA(a.Trans, a.Data, a.Ld, ic, pc, mc, kc, a.Alpha, pA);
                        }
                        for (var jr = 0; jr < nc; jr += NR)
                        {
                            var nr = Math.Min(NR, nc - jr);
                            for (var ir = 0; ir < mc; ir += MR)
                            {
                                var mr = Math.Min(MR, mc - ir);
                                var cTile = c + (long)(ic + ir) * ldc + jc + jr;
                                Kernel(kc, pA + ir * kc, pB + jr * kc, cTile, ldc, mr, nr, overwrite && pc == 0);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The K-blocking every product uses; a <see cref="PackedA"/> is laid out by it.</summary>
    internal static int KBlock => KC;

    /// <summary>Packs op(B)[pc..pc+kc, jc..jc+nc] into NR-wide panels, k-major, zero-padded to NR.</summary>
    private static void PackB(bool transB, float* b, int ldb, int pc, int jc, int kc, int nc, float* dst)
    {
        if (!transB)
        {
            // Row by row along B, so reads run through memory in order (a row of B, not a column strip whose rows are
            // pages apart); each row's NR-wide pieces go to their panels.
            var (full, rest) = (nc / NR * NR, nc % NR);
            for (var p = 0; p < kc; p++)
            {
                var src = b + (long)(pc + p) * ldb + jc;
                var to = dst + p * NR;
                for (var jr = 0; jr < full; jr += NR)
                {
                    Unsafe.CopyBlockUnaligned(to + jr * kc, src + jr, NR * sizeof(float));
                }

                if (rest > 0)
                {
                    var edge = to + full * kc;
                    for (var j = 0; j < rest; j++)
                    {
                        edge[j] = src[full + j];
                    }

                    for (var j = rest; j < NR; j++)
                    {
                        edge[j] = 0f;
                    }
                }
            }

            return;
        }

        for (var jr = 0; jr < nc; jr += NR)
        {
            var nr = Math.Min(NR, nc - jr);
            var panel = dst + jr * kc;

            // op(B)[p, j] = B[j, p]: 8×8 blocks transposed in registers, then the ragged edges one by one.
            var (j8, p8) = (Avx.IsSupported ? nr / 8 * 8 : 0, Avx.IsSupported ? kc / 8 * 8 : 0);
            for (var j = 0; j < j8; j += 8)
            {
                for (var p = 0; p < p8; p += 8)
                {
                    Transpose8(b + (long)(jc + jr + j) * ldb + pc + p, ldb, panel + p * NR + j, NR);
                }
            }

            for (var j = 0; j < nr; j++)
            {
                var src = b + (long)(jc + jr + j) * ldb + pc;
                for (var p = j < j8 ? p8 : 0; p < kc; p++)
                {
                    panel[p * NR + j] = src[p];
                }
            }

            for (var j = nr; j < NR; j++)
            {
                for (var p = 0; p < kc; p++)
                {
                    panel[p * NR + j] = 0f;
                }
            }
        }
    }

    /// <summary>Packs alpha·op(A)[ic..ic+mc, pc..pc+kc] into MR-high panels, k-major, zero-padded to MR.</summary>
    internal static void PackA(bool transA, float* a, int lda, int ic, int pc, int mc, int kc, float alpha, float* dst)
    {
        for (var ir = 0; ir < mc; ir += MR)
        {
            var mr = Math.Min(MR, mc - ir);
            var panel = dst + ir * kc;
            if (transA)
            {
                // op(A)[i, p] = A[p, i]: rows of A are already contiguous in i.
                for (var p = 0; p < kc; p++)
                {
                    var src = a + (long)(pc + p) * lda + ic + ir;
                    var to = panel + p * MR;
                    for (var i = 0; i < mr; i++)
                    {
                        to[i] = alpha * src[i];
                    }

                    for (var i = mr; i < MR; i++)
                    {
                        to[i] = 0f;
                    }
                }
            }
            else
            {
                // A full panel with alpha 1 is 8×8 blocks transposed in registers; the rest is walked row by row.
                var p8 = Avx.IsSupported && mr == MR && alpha == 1f ? kc / 8 * 8 : 0;
                for (var p = 0; p < p8; p += 8)
                {
                    Transpose8(a + (long)(ic + ir) * lda + pc + p, lda, panel + p * MR, MR);
                }

                for (var i = 0; i < mr; i++)
                {
                    var src = a + (long)(ic + ir + i) * lda + pc;
                    for (var p = p8; p < kc; p++)
                    {
                        panel[p * MR + i] = alpha * src[p];
                    }
                }

                for (var i = mr; i < MR; i++)
                {
                    for (var p = 0; p < kc; p++)
                    {
                        panel[p * MR + i] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>dst[p·dstStride + r] = src[r·srcStride + p] for an 8×8 block: rows become columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(float* src, int srcStride, float* dst, int dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2 * srcStride);
        var r3 = Avx.LoadVector256(src + 3 * srcStride);
        var r4 = Avx.LoadVector256(src + 4 * srcStride);
        var r5 = Avx.LoadVector256(src + 5 * srcStride);
        var r6 = Avx.LoadVector256(src + 6 * srcStride);
        var r7 = Avx.LoadVector256(src + 7 * srcStride);

        // Interleave pairs of rows, then pairs of pairs; each 128-bit lane then holds a 4×4 block's column.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);

        // Low lanes of rows 0–3 with low lanes of rows 4–7 give columns 0–3; the high lanes give columns 4–7.
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }

}
