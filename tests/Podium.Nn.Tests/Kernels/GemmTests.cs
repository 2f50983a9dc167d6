using Podium.Nn.Kernels;
using Xunit;

namespace Podium.Nn.Tests.Kernels;

public sealed class GemmTests
{
    [Theory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(8, 48, 256, false, false)]
    [InlineData(13, 97, 300, false, false)]
    [InlineData(33, 50, 7, true, false)]
    [InlineData(9, 130, 61, false, true)]
    [InlineData(100, 3, 513, true, true)]
    [InlineData(200, 700, 40, false, false)]
    [InlineData(64, 196, 800, false, true)]
    public void Matches_a_float64_triple_loop(int m, int n, int k, bool transA, bool transB)
    {
        var rng = new Rng(42);
        var a = Enumerable.Range(0, m * k).Select(_ => rng.NextFloat() - 0.5f).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => rng.NextFloat() - 0.5f).ToArray();
        var c = Enumerable.Range(0, m * n).Select(_ => rng.NextFloat()).ToArray();
        var original = (float[])c.Clone();
        var (lda, ldb) = (transA ? m : k, transB ? k : n);

        Gemm.Multiply(transA, transB, m, n, k, 0.5f, a, lda, b, ldb, 2f, c, n);

        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var p = 0; p < k; p++)
                {
                    var av = transA ? a[p * lda + i] : a[i * lda + p];
                    var bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }

                var expected = 0.5 * sum + 2 * original[i * n + j];
                Assert.True(Math.Abs(c[i * n + j] - expected) <= 1e-4 * (1 + Math.Abs(expected)), $"C[{i},{j}] = {c[i * n + j]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void One_and_two_threads_give_bit_identical_results()
    {
        var rng = new Rng(7);
        const int M = 150, N = 1000, K = 700;
        var a = Enumerable.Range(0, M * K).Select(_ => rng.NextFloat() - 0.5f).ToArray();
        var b = Enumerable.Range(0, K * N).Select(_ => rng.NextFloat() - 0.5f).ToArray();
        var one = new float[M * N];
        var two = new float[M * N];
        var threads = Gemm.Threads;
        try
        {
            Gemm.Threads = 1;
            Gemm.Multiply(false, false, M, N, K, 1f, a, K, b, N, 0f, one, N);
            Gemm.Threads = 2;
            Gemm.Multiply(false, false, M, N, K, 1f, a, K, b, N, 0f, two, N);
        }
        finally
        {
            Gemm.Threads = threads;
        }

        Assert.Equal(one, two);
    }

    [Theory]
    [InlineData(64, 196, 800, false, false)]
    [InlineData(13, 97, 300, false, true)]
    [InlineData(800, 130, 64, true, false)]
    [InlineData(5, 20, 9, true, true)]
    public void A_packed_once_gives_the_same_bits_as_packing_per_product(int m, int n, int k, bool transA, bool transB)
    {
        var rng = new Rng(3);
        var a = Enumerable.Range(0, m * k).Select(_ => rng.NextFloat() - 0.5f).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => rng.NextFloat() - 0.5f).ToArray();
        var (lda, ldb) = (transA ? m : k, transB ? k : n);
        var expected = new float[m * n];
        Gemm.Multiply(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, expected, n);

        var packed = new PackedA();
        packed.Pack(transA, a, lda, m, k);
        var actual = Enumerable.Repeat(float.NaN, m * n).ToArray();
        Gemm.Multiply(packed, transB, n, b, ldb, 0f, actual, n);

        Assert.Equal(expected, actual);
    }

    public static TheoryData<string> KernelsThisMachineRuns =>
        [.. Enum.GetValues<GemmKernel>().Where(k => k <= Gemm.Widest).Select(k => k.ToString())];

    [Theory]
    [MemberData(nameof(KernelsThisMachineRuns))]
    public void Every_micro_kernel_gives_the_scalar_kernels_bits(string name)
    {
        var kernel = Enum.Parse<GemmKernel>(name);
        // Shapes that leave partial tiles in both directions (rows short of 8, columns short of 48, 32 and 16), a
        // K past one 256-deep block, both transposes, and alpha and beta that are not 1 and 0.
        (int M, int N, int K, bool TransA, bool TransB)[] shapes =
            [(8, 48, 256, false, false), (13, 97, 300, false, true), (33, 50, 7, true, false), (5, 20, 9, true, true), (64, 196, 800, false, false), (3, 17, 513, false, false)];
        foreach (var (m, n, k, transA, transB) in shapes)
        {
            var rng = new Rng(11);
            var a = Enumerable.Range(0, m * k).Select(_ => rng.NextFloat() - 0.5f).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => rng.NextFloat() - 0.5f).ToArray();
            var c = Enumerable.Range(0, m * n).Select(_ => rng.NextFloat()).ToArray();
            var (lda, ldb) = (transA ? m : k, transB ? k : n);
            var scalar = (float[])c.Clone();
            var vector = (float[])c.Clone();
            var chosen = Gemm.MicroKernel;
            try
            {
                Gemm.MicroKernel = GemmKernel.Scalar;
                Gemm.Multiply(transA, transB, m, n, k, 0.75f, a, lda, b, ldb, 1.5f, scalar, n);
                Gemm.MicroKernel = kernel;
                Gemm.Multiply(transA, transB, m, n, k, 0.75f, a, lda, b, ldb, 1.5f, vector, n);
            }
            finally
            {
                Gemm.MicroKernel = chosen;
            }

            Assert.True(scalar.AsSpan().SequenceEqual(vector), $"{kernel} differs from the scalar kernel at {m}x{n}x{k}, transA {transA}, transB {transB}");
        }
    }

    [Fact]
    public unsafe void Aligned_buffers_start_on_a_cache_line()
    {
        for (var length = 1; length < 40; length += 7)
        {
            var buffer = new AlignedFloats(length);
            Assert.Equal(0, (long)buffer.Pointer % 64);
        }
    }
}
