using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Podium.Nn.Kernels;

namespace Podium.Nn.Layers;

/// <summary>Max pooling over square windows ('valid' padding, as Keras's default); the gradient goes to the first maximum of each window.</summary>
public sealed class MaxPool2D(int poolSize = 2, int? stride = null) : Pool2D(poolSize, stride)
{
    // Planes per parallel task, so each does enough work to pay for itself.
    private const int Block = 16;

    private int[] _argmax = [];
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <inheritdoc/>
    public override string Kind => "max_pooling2d";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        BatchSize = input.Batch;
        var output = Reuse(ref _output, BatchSize, OutputShape!);
        if (_argmax.Length != output.Length)
        {
            _argmax = new int[output.Length];
        }

        var x = input.Data;
        var y = output.Data;
        var arg = _argmax;
        var planes = BatchSize * C;
        Workers.For((planes + Block - 1) / Block, block =>
        {
            for (var plane = block * Block; plane < Math.Min(planes, (block + 1) * Block); plane++)
            {
                if (PoolSize == 2 && Stride == 2 && Avx512F.IsSupported)
                {
                    Pool2x2Vector(x, y, arg, plane);
                }
                else if (PoolSize == 2 && Stride == 2)
                {
                    Pool2x2(x, y, arg, plane);
                }
                else
                {
                    PoolPlane(x, y, arg, plane);
                }
            }
        });
        return output;
    }

    /// <summary>
    /// <see cref="Pool2x2"/> sixteen outputs at a time: each row pair is split into its even and odd columns, and the
    /// four candidates are compared in the same order with the same rules, so the result and the winner are the same.
    /// </summary>
    private unsafe void Pool2x2Vector(float[] x, float[] y, int[] arg, int plane)
    {
        var (inBase, outBase) = (plane * H * W, plane * OutH * OutW);
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = even + Vector512<int>.One;
        var lanes = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var none = Vector512.Create(float.NegativeInfinity);
        fixed (float* px = x, py = y)
        fixed (int* pArg = arg)
        {
            for (var oy = 0; oy < OutH; oy++)
            {
                var top = inBase + 2 * oy * W;
                for (var ox = 0; ox < OutW; ox += 16)
                {
                    // Outputs ox..ox+15, of which those before OutW are real; the pairs they read are loaded under a mask.
                    var count = Math.Min(16, OutW - ox);
                    var low = Vector512.LessThan(lanes, Vector512.Create(2 * count)).AsSingle();
                    var high = Vector512.LessThan(lanes, Vector512.Create(2 * count - 16)).AsSingle();
                    var t0 = Avx512F.MaskLoad(px + top + 2 * ox, low, Vector512<float>.Zero);
                    var t1 = Avx512F.MaskLoad(px + top + 2 * ox + 16, high, Vector512<float>.Zero);
                    var b0 = Avx512F.MaskLoad(px + top + W + 2 * ox, low, Vector512<float>.Zero);
                    var b1 = Avx512F.MaskLoad(px + top + W + 2 * ox + 16, high, Vector512<float>.Zero);
                    var a = Avx512F.PermuteVar16x32x2(t0, even, t1);
                    var best = Vector512.ConditionalSelect(Vector512.GreaterThan(a, none), a, none);
                    var winner = Vector512<int>.Zero;
                    Challenge(Avx512F.PermuteVar16x32x2(t0, odd, t1), 1, ref best, ref winner);
                    Challenge(Avx512F.PermuteVar16x32x2(b0, even, b1), 2, ref best, ref winner);
                    Challenge(Avx512F.PermuteVar16x32x2(b0, odd, b1), 3, ref best, ref winner);

                    // The first candidate stays itself when nothing beats it, even NaN; the winner's index in the input.
                    var value = Vector512.ConditionalSelect(Vector512.Equals(winner, Vector512<int>.Zero).AsSingle(), a, best);
                    var at = Vector512.Create(top + 2 * ox) + 2 * lanes + (winner & Vector512<int>.One) + (winner >> 1) * W;
                    var mask = Vector512.LessThan(lanes, Vector512.Create(count));
                    Avx512F.MaskStore(py + outBase + oy * OutW + ox, mask.AsSingle(), value);
                    Avx512F.MaskStore(pArg + outBase + oy * OutW + ox, mask, at);
                }
            }
        }

        // Strictly greater replaces the best so far: the first maximum wins, and NaN never replaces a number.
        static void Challenge(Vector512<float> candidate, int index, ref Vector512<float> best, ref Vector512<int> winner)
        {
            var wins = Vector512.GreaterThan(candidate, best);
            best = Vector512.ConditionalSelect(wins, candidate, best);
            winner = Vector512.ConditionalSelect(wins.AsInt32(), Vector512.Create(index), winner);
        }
    }

    /// <summary>The common 2×2, stride-2 window, unrolled; same tie and NaN rules as the general loop.</summary>
    private void Pool2x2(float[] x, float[] y, int[] arg, int plane)
    {
        var inBase = plane * H * W;
        var outBase = plane * OutH * OutW;
        for (var oy = 0; oy < OutH; oy++)
        {
            var top = inBase + 2 * oy * W;
            var bottom = top + W;
            var o = outBase + oy * OutW;
            for (var ox = 0; ox < OutW; ox++)
            {
                var at = top + 2 * ox;
                var best = x[at];
                if (!(best > float.NegativeInfinity))
                {
                    best = float.NegativeInfinity;
                }

                if (x[at + 1] > best)
                {
                    best = x[at + 1];
                    at++;
                }

                var b = bottom + 2 * ox;
                if (x[b] > best)
                {
                    best = x[b];
                    at = b;
                }

                if (x[b + 1] > best)
                {
                    at = b + 1;
                }

                y[o + ox] = x[at];
                arg[o + ox] = at;
            }
        }
    }

    private void PoolPlane(float[] x, float[] y, int[] arg, int plane)
    {
        var inBase = plane * H * W;
        var outBase = plane * OutH * OutW;
        for (var oy = 0; oy < OutH; oy++)
        {
            for (var ox = 0; ox < OutW; ox++)
            {
                var best = float.NegativeInfinity;
                var at = inBase + oy * Stride * W + ox * Stride;
                for (var i = 0; i < PoolSize; i++)
                {
                    var row = inBase + (oy * Stride + i) * W + ox * Stride;
                    for (var j = 0; j < PoolSize; j++)
                    {
                        // Strictly greater: the first maximum wins, and NaN never replaces a number.
                        if (x[row + j] > best)
                        {
                            best = x[row + j];
                            at = row + j;
                        }
                    }
                }

                y[outBase + oy * OutW + ox] = x[at];
                arg[outBase + oy * OutW + ox] = at;
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, BatchSize, InputShape!);
        var dx = gradInput.Data;
        var g = gradOutput.Data;
        var arg = _argmax;
        var planes = BatchSize * C;
        Workers.For((planes + Block - 1) / Block, block =>
        {
            var (from, to) = (block * Block, Math.Min(planes, (block + 1) * Block));
            dx.AsSpan(from * H * W, (to - from) * H * W).Clear();
            for (var i = from * OutH * OutW; i < to * OutH * OutW; i++)
            {
                dx[arg[i]] += g[i];
            }
        });
        return gradInput;
    }
}
