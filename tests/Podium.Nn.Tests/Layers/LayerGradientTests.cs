using Podium.Nn.Layers;
using Xunit;

namespace Podium.Nn.Tests.Layers;

/// <summary>Backward passes of the simpler layers against finite differences of float64 references.</summary>
public sealed class LayerGradientTests
{
    [Theory]
    [InlineData(7, 5, false)]
    [InlineData(4, 9, true)]
    public void Dense_backward_matches_finite_differences(int inputs, int units, bool relu)
    {
        const int Batch = 3;
        GradientCheck.Run(new Dense(units, relu), [inputs], Batch, (x, p) =>
        {
            var (w, b) = (p[0], p[1]);
            var y = new double[Batch * units];
            for (var n = 0; n < Batch; n++)
            {
                for (var u = 0; u < units; u++)
                {
                    var sum = b[u];
                    for (var i = 0; i < inputs; i++)
                    {
                        sum += x[n * inputs + i] * w[i * units + u];
                    }

                    y[n * units + u] = relu ? Math.Max(0, sum) : sum;
                }
            }

            return y;
        });
    }

    [Theory]
    [InlineData(2, 6, 6, 2, 2)]
    [InlineData(3, 7, 5, 3, 2)]
    [InlineData(1, 5, 5, 2, 1)]
    [InlineData(2, 4, 37, 2, 2)]
    [InlineData(1, 3, 66, 2, 2)]
    public void MaxPool_backward_matches_finite_differences(int c, int h, int w, int pool, int stride)
    {
        const int Batch = 2;
        var (oh, ow) = ((h - pool) / stride + 1, (w - pool) / stride + 1);
        GradientCheck.Run(new MaxPool2D(pool, stride), [c, h, w], Batch, (x, _) =>
        {
            var y = new double[Batch * c * oh * ow];
            for (var plane = 0; plane < Batch * c; plane++)
            {
                for (var oy = 0; oy < oh; oy++)
                {
                    for (var ox = 0; ox < ow; ox++)
                    {
                        var best = double.NegativeInfinity;
                        for (var i = 0; i < pool; i++)
                        {
                            for (var j = 0; j < pool; j++)
                            {
                                best = Math.Max(best, x[(plane * h + oy * stride + i) * w + ox * stride + j]);
                            }
                        }

                        y[(plane * oh + oy) * ow + ox] = best;
                    }
                }
            }

            return y;
        });
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void MaxPool_takes_the_first_maximum_and_never_lets_NaN_win_over_a_number(int pool)
    {
        var layer = new MaxPool2D(pool);
        layer.Build([1, pool, pool], new Rng(0));
        var values = Enumerable.Repeat(float.NaN, pool * pool).ToArray();
        values[1] = 5f;
        values[^1] = 5f;

        var y = layer.Forward(new Tensor(values, 1, 1, pool, pool), training: false);
        var g = layer.Backward(new Tensor([1f], 1, 1, 1, 1));

        Assert.Equal(5f, y.Data[0]);
        Assert.Equal(1f, g.Data[1]);
        Assert.Equal(1f, g.Data.Sum());
    }

    [Fact]
    public void MaxPool_over_wide_rows_of_ties_infinities_and_NaN_picks_the_same_winner_as_a_plain_scan()
    {
        const int C = 2, H = 5, W = 41;
        var choices = new[] { float.NegativeInfinity, float.NaN, 0f, 1f, 2f, 2f };
        var rng = new Rng(11);
        var values = Enumerable.Range(0, C * H * W).Select(_ => choices[(int)(rng.NextFloat() * choices.Length) % choices.Length]).ToArray();
        var layer = new MaxPool2D(2);
        layer.Build([C, H, W], new Rng(0));
        var (oh, ow) = (H / 2, W / 2);

        var y = layer.Forward(new Tensor(values, 1, C, H, W), training: true);
        var g = layer.Backward(new Tensor(Enumerable.Range(1, C * oh * ow).Select(v => (float)v).ToArray(), 1, C, oh, ow));

        var expectedGrad = new float[values.Length];
        for (var plane = 0; plane < C; plane++)
        {
            for (var oy = 0; oy < oh; oy++)
            {
                for (var ox = 0; ox < ow; ox++)
                {
                    // Scan the window in reading order; a value replaces the best only when strictly greater.
                    var (best, at) = (float.NegativeInfinity, (plane * H + 2 * oy) * W + 2 * ox);
                    foreach (var (i, j) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                    {
                        var index = (plane * H + 2 * oy + i) * W + 2 * ox + j;
                        if (values[index] > best)
                        {
                            (best, at) = (values[index], index);
                        }
                    }

                    var output = (plane * oh + oy) * ow + ox;
                    Assert.Equal(values[at], y.Data[output]);
                    expectedGrad[at] = output + 1;
                }
            }
        }

        Assert.Equal(expectedGrad, g.Data);
    }

    [Fact]
    public void ReLU_backward_matches_finite_differences() =>
        GradientCheck.Run(new ReLU(), [3, 4], 2, (x, _) => x.Select(v => Math.Max(0, v)).ToArray());

    [Fact]
    public void Softmax_backward_matches_finite_differences()
    {
        const int Classes = 5;
        GradientCheck.Run(new Softmax(), [Classes], 3, (x, _) =>
        {
            var y = new double[x.Length];
            for (var n = 0; n < x.Length / Classes; n++)
            {
                var row = x.AsSpan(n * Classes, Classes);
                var max = row.ToArray().Max();
                var sum = row.ToArray().Sum(v => Math.Exp(v - max));
                for (var i = 0; i < Classes; i++)
                {
                    y[n * Classes + i] = Math.Exp(row[i] - max) / sum;
                }
            }

            return y;
        });
    }

    [Fact]
    public void Softmax_is_stable_for_large_logits()
    {
        var softmax = new Softmax();
        softmax.Build([3], new Rng(0));

        var y = softmax.Forward(new Tensor([1000f, 1000f, -1000f], 1, 3), training: false);

        Assert.Equal([0.5f, 0.5f, 0f], y.Data);
    }

    [Fact]
    public void Flatten_keeps_channel_major_order_and_passes_gradients_back()
    {
        var flatten = new Flatten();
        flatten.Build([2, 2, 2], new Rng(0));
        var x = new Tensor(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), 2, 2, 2, 2);

        var y = flatten.Forward(x, training: false);
        var g = flatten.Backward(y);

        Assert.Equal([2, 8], y.Shape);
        Assert.Equal(x.Data, y.Data);
        Assert.Equal([2, 2, 2, 2], g.Shape);
    }

    [Fact]
    public void Dropout_zeroes_about_its_rate_scales_the_rest_and_masks_the_gradient_alike()
    {
        var dropout = new Dropout(0.3);
        dropout.Build([10_000], new Rng(5));
        var ones = new Tensor(1, 10_000);
        ones.Span.Fill(1f);

        var y = dropout.Forward(ones, training: true);
        var g = dropout.Backward(ones);

        var dropped = y.Data.Count(v => v == 0f);
        Assert.InRange(dropped, 2_800, 3_200);
        Assert.All(y.Data.Where(v => v != 0f), v => Assert.Equal(1f / 0.7f, v, 1e-6f));
        Assert.Equal(y.Data, g.Data);
        Assert.Same(ones, dropout.Forward(ones, training: false));
    }
}
