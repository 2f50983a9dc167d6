using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Podium.Nn.Kernels;

/// <summary>
/// The register-blocked kernel of a direct convolution (no im2col): up to 14 positions of a zero-padded plane, each
/// one broadcast scalar, times 32 consecutive channels of a packed operand, two 16-wide vectors, summed over a walk
/// of rows and steps. The same kernel serves the forward pass, the input gradient (a full correlation with the
/// flipped kernel) and the kernel gradient (positions become kernel columns, steps become output positions).
/// </summary>
/// <remarks>
/// The walk: for each row r, src + rows[r] is the first position's scalar; each of <c>inner</c> steps moves the
/// scalars one float right and the packed operand <c>vecStride</c> floats on; the operand runs on from row to row, or,
/// when <c>vecRows</c> is given, starts row r at vec + vecRows[r] (a walk that skips rows). Positions past <c>perRow</c> are on a
/// second row, <c>rowStride</c> floats below the first. Every sum runs over the walk in the same order, so results
/// never depend on threads. The position counts are type parameters, so each shape is compiled with its accumulators
/// in registers.
/// </remarks>
internal static unsafe class DirectConv
{
    /// <summary>Channels one tile covers: two 16-wide vectors.</summary>
    public const int Width = 32;

    /// <summary>Most positions a tile holds: 14 × 2 accumulators, two operand vectors and one broadcast fill 31 registers.</summary>
    public const int MaxPositions = 14;

    /// <summary>Whether this machine runs the kernel (AVX-512).</summary>
    public static bool Supported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>
    /// output[t·outStride + channel] (or +=, when <paramref name="add"/>) = Σ over the walk of scalar t · operand, for
    /// t below <paramref name="positions"/>; <paramref name="positions"/> is <paramref name="perRow"/> or twice it.
    /// </summary>
    public static void Tile(int positions, int perRow, float* src, int rowStride, int* rows, int rowCount, int inner,
        float* vec, int vecStride, float* output, int outStride, bool add, int* vecRows = null)
    {
        var walk = new Walk(src, rowStride, rows, rowCount, inner, vec, vecStride, vecRows, output, outStride, add);
        switch (perRow)
        {
            case 1: if (positions == 1) { Run<N1, N1>(walk); } else { Run<N2, N1>(walk); } break;
            case 2: if (positions == 2) { Run<N2, N2>(walk); } else { Run<N4, N2>(walk); } break;
            case 3: if (positions == 3) { Run<N3, N3>(walk); } else { Run<N6, N3>(walk); } break;
            case 4: if (positions == 4) { Run<N4, N4>(walk); } else { Run<N8, N4>(walk); } break;
            case 5: if (positions == 5) { Run<N5, N5>(walk); } else { Run<N10, N5>(walk); } break;
            case 6: if (positions == 6) { Run<N6, N6>(walk); } else { Run<N12, N6>(walk); } break;
            case 7: if (positions == 7) { Run<N7, N7>(walk); } else { Run<N14, N7>(walk); } break;
            case 8: Run<N8, N8>(walk); break;
            case 9: Run<N9, N9>(walk); break;
            case 10: Run<N10, N10>(walk); break;
            case 11: Run<N11, N11>(walk); break;
            case 12: Run<N12, N12>(walk); break;
            case 13: Run<N13, N13>(walk); break;
            case 14: Run<N14, N14>(walk); break;
            default: throw new ArgumentOutOfRangeException(nameof(perRow), perRow, "a tile holds 1 to 14 positions per row");
        }
    }

    /// <summary>
    /// How tiles cover rows of <paramref name="width"/> positions: rows of 8 or more are cut into equal runs of at most 14,
    /// one row per tile; narrower rows go two to a tile (Step 2), so a tile keeps most of its accumulators busy.
    /// </summary>
    public static (int Step, int Run) Cover(int width)
    {
        if (width < 8)
        {
            return (2, width);
        }

        var runs = (width + MaxPositions - 1) / MaxPositions;
        return (1, (width + runs - 1) / runs);
    }

    private readonly struct Walk(float* src, int rowStride, int* rows, int rowCount, int inner, float* vec, int vecStride, int* vecRows, float* output, int outStride, bool add)
    {
        public readonly float* Src = src;
        public readonly int RowStride = rowStride;
        public readonly int* Rows = rows;
        public readonly int RowCount = rowCount;
        public readonly int Inner = inner;
        public readonly float* Vec = vec;
        public readonly int VecStride = vecStride;
        public readonly int* VecRows = vecRows;
        public readonly float* Output = output;
        public readonly int OutStride = outStride;
        public readonly bool Add = add;
    }

    // Compile-time counts: a struct type argument gets its own compiled code, with Value folded to a constant.
    private interface ICount
    {
        static abstract int Value { get; }
    }

    private struct N1 : ICount { public static int Value => 1; }
    private struct N2 : ICount { public static int Value => 2; }
    private struct N3 : ICount { public static int Value => 3; }
    private struct N4 : ICount { public static int Value => 4; }
    private struct N5 : ICount { public static int Value => 5; }
    private struct N6 : ICount { public static int Value => 6; }
    private struct N7 : ICount { public static int Value => 7; }
    private struct N8 : ICount { public static int Value => 8; }
    private struct N9 : ICount { public static int Value => 9; }
    private struct N10 : ICount { public static int Value => 10; }
    private struct N11 : ICount { public static int Value => 11; }
    private struct N12 : ICount { public static int Value => 12; }
    private struct N13 : ICount { public static int Value => 13; }
    private struct N14 : ICount { public static int Value => 14; }

    /// <summary>The scalar of position t: on the first row below perRow, else on the second.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> At<TT>(float* s, float* s2, int t) where TT : struct, ICount =>
        Vector512.Create(t < TT.Value ? s[t] : s2[t - TT.Value]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(in Walk walk, int t, Vector512<float> lo, Vector512<float> hi)
    {
        var to = walk.Output + (long)t * walk.OutStride;
        if (walk.Add)
        {
            lo += Vector512.Load(to);
            hi += Vector512.Load(to + 16);
        }

        lo.Store(to);
        hi.Store(to + 16);
    }

    private static void Run<TP, TT>(Walk walk) where TP : struct, ICount where TT : struct, ICount
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default;
        Vector512<float> a7 = default, a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default;
        Vector512<float> b7 = default, b8 = default, b9 = default, b10 = default, b11 = default, b12 = default, b13 = default;
        var vec = walk.Vec;
        var (vecStride, inner, rowStride) = (walk.VecStride, walk.Inner, walk.RowStride);
        for (var r = 0; r < walk.RowCount; r++)
        {
            var s = walk.Src + walk.Rows[r];
            var s2 = s + rowStride;
            if (walk.VecRows != null)
            {
                vec = walk.Vec + walk.VecRows[r];
            }

            for (var q = 0; q < inner; q++)
            {
                var w0 = Vector512.Load(vec);
                var w1 = Vector512.Load(vec + 16);
                vec += vecStride;
                Vector512<float> x;
                if (TP.Value > 0) { x = At<TT>(s, s2, 0); a0 = Avx512F.FusedMultiplyAdd(x, w0, a0); b0 = Avx512F.FusedMultiplyAdd(x, w1, b0); }
                if (TP.Value > 1) { x = At<TT>(s, s2, 1); a1 = Avx512F.FusedMultiplyAdd(x, w0, a1); b1 = Avx512F.FusedMultiplyAdd(x, w1, b1); }
                if (TP.Value > 2) { x = At<TT>(s, s2, 2); a2 = Avx512F.FusedMultiplyAdd(x, w0, a2); b2 = Avx512F.FusedMultiplyAdd(x, w1, b2); }
                if (TP.Value > 3) { x = At<TT>(s, s2, 3); a3 = Avx512F.FusedMultiplyAdd(x, w0, a3); b3 = Avx512F.FusedMultiplyAdd(x, w1, b3); }
                if (TP.Value > 4) { x = At<TT>(s, s2, 4); a4 = Avx512F.FusedMultiplyAdd(x, w0, a4); b4 = Avx512F.FusedMultiplyAdd(x, w1, b4); }
                if (TP.Value > 5) { x = At<TT>(s, s2, 5); a5 = Avx512F.FusedMultiplyAdd(x, w0, a5); b5 = Avx512F.FusedMultiplyAdd(x, w1, b5); }
                if (TP.Value > 6) { x = At<TT>(s, s2, 6); a6 = Avx512F.FusedMultiplyAdd(x, w0, a6); b6 = Avx512F.FusedMultiplyAdd(x, w1, b6); }
                if (TP.Value > 7) { x = At<TT>(s, s2, 7); a7 = Avx512F.FusedMultiplyAdd(x, w0, a7); b7 = Avx512F.FusedMultiplyAdd(x, w1, b7); }
                if (TP.Value > 8) { x = At<TT>(s, s2, 8); a8 = Avx512F.FusedMultiplyAdd(x, w0, a8); b8 = Avx512F.FusedMultiplyAdd(x, w1, b8); }
                if (TP.Value > 9) { x = At<TT>(s, s2, 9); a9 = Avx512F.FusedMultiplyAdd(x, w0, a9); b9 = Avx512F.FusedMultiplyAdd(x, w1, b9); }
                if (TP.Value > 10) { x = At<TT>(s, s2, 10); a10 = Avx512F.FusedMultiplyAdd(x, w0, a10); b10 = Avx512F.FusedMultiplyAdd(x, w1, b10); }
                if (TP.Value > 11) { x = At<TT>(s, s2, 11); a11 = Avx512F.FusedMultiplyAdd(x, w0, a11); b11 = Avx512F.FusedMultiplyAdd(x, w1, b11); }
                if (TP.Value > 12) { x = At<TT>(s, s2, 12); a12 = Avx512F.FusedMultiplyAdd(x, w0, a12); b12 = Avx512F.FusedMultiplyAdd(x, w1, b12); }
                if (TP.Value > 13) { x = At<TT>(s, s2, 13); a13 = Avx512F.FusedMultiplyAdd(x, w0, a13); b13 = Avx512F.FusedMultiplyAdd(x, w1, b13); }
                s++;
                s2++;
            }
        }

        if (TP.Value > 0) { Put(walk, 0, a0, b0); }
        if (TP.Value > 1) { Put(walk, 1, a1, b1); }
        if (TP.Value > 2) { Put(walk, 2, a2, b2); }
        if (TP.Value > 3) { Put(walk, 3, a3, b3); }
        if (TP.Value > 4) { Put(walk, 4, a4, b4); }
        if (TP.Value > 5) { Put(walk, 5, a5, b5); }
        if (TP.Value > 6) { Put(walk, 6, a6, b6); }
        if (TP.Value > 7) { Put(walk, 7, a7, b7); }
        if (TP.Value > 8) { Put(walk, 8, a8, b8); }
        if (TP.Value > 9) { Put(walk, 9, a9, b9); }
        if (TP.Value > 10) { Put(walk, 10, a10, b10); }
        if (TP.Value > 11) { Put(walk, 11, a11, b11); }
        if (TP.Value > 12) { Put(walk, 12, a12, b12); }
        if (TP.Value > 13) { Put(walk, 13, a13, b13); }
    }
}
