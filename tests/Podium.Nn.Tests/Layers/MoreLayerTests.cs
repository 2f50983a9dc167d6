using Podium.Nn.Layers;
using Xunit;

namespace Podium.Nn.Tests.Layers;

/// <summary>Activations, average pooling, batch norm and residual blocks against float64 references.</summary>
public sealed class MoreLayerTests
{
    [Fact]
    public void LeakyReLU_backward_matches_finite_differences() =>
        GradientCheck.Run(new LeakyReLU(0.2), [2, 5], 3, (x, _) => x.Select(v => v >= 0 ? v : 0.2 * v).ToArray());

    [Fact]
    public void Sigmoid_backward_matches_finite_differences() =>
        GradientCheck.Run(new Sigmoid(), [7], 2, (x, _) => x.Select(v => 1 / (1 + Math.Exp(-v))).ToArray());

    [Fact]
    public void Tanh_backward_matches_finite_differences() =>
        GradientCheck.Run(new Tanh(), [7], 2, (x, _) => x.Select(Math.Tanh).ToArray());

    [Fact]
    public void Sigmoid_does_not_overflow_for_large_inputs()
    {
        var sigmoid = new Sigmoid();
        sigmoid.Build([3], new Rng(0));

        var y = sigmoid.Forward(new Tensor([-1000f, 0f, 1000f], 1, 3), training: false);

        Assert.Equal([0f, 0.5f, 1f], y.Data);
    }

    [Theory]
    [InlineData(2, 6, 6, 2, 2)]
    [InlineData(1, 7, 5, 3, 2)]
    public void AveragePool_backward_matches_finite_differences(int c, int h, int w, int pool, int stride)
    {
        const int Batch = 2;
        var (oh, ow) = ((h - pool) / stride + 1, (w - pool) / stride + 1);
        GradientCheck.Run(new AveragePool2D(pool, stride), [c, h, w], Batch, (x, _) =>
        {
            var y = new double[Batch * c * oh * ow];
            for (var plane = 0; plane < Batch * c; plane++)
            {
                for (var oy = 0; oy < oh; oy++)
                {
                    for (var ox = 0; ox < ow; ox++)
                    {
                        var sum = 0.0;
                        for (var i = 0; i < pool; i++)
                        {
                            for (var j = 0; j < pool; j++)
                            {
                                sum += x[(plane * h + oy * stride + i) * w + ox * stride + j];
                            }
                        }

                        y[(plane * oh + oy) * ow + ox] = sum / (pool * pool);
                    }
                }
            }

            return y;
        });
    }

    [Fact]
    public void GlobalAveragePool_backward_matches_finite_differences() =>
        GradientCheck.Run(new GlobalAveragePool2D(), [3, 4, 5], 2, (x, _) =>
            Enumerable.Range(0, 6).Select(plane => x.Skip(plane * 20).Take(20).Average()).ToArray());

    [Theory]
    [InlineData(new[] { 3, 4, 5 })]
    [InlineData(new[] { 6 })]
    public void BatchNorm_backward_in_training_matches_finite_differences(int[] shape)
    {
        const int Batch = 4;
        var spatial = shape.Skip(1).Aggregate(1, (a, b) => a * b);
        GradientCheck.Run(new BatchNorm(), shape, Batch,
            (x, p) => References.BatchNormTraining(x, p[0], p[1], Batch, shape[0], spatial, 1e-3), tolerance: 5e-4);
    }

    [Fact]
    public void BatchNorm_moving_statistics_follow_keras_momentum_and_serve_inference()
    {
        var bn = new BatchNorm(momentum: 0.9);
        bn.Build([1], new Rng(0));
        // Batch values 1, 2, 3, 6: mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5.
        var x = new Tensor([1f, 2f, 3f, 6f], 4, 1);

        bn.Forward(x, training: true);

        var (mean, variance) = (bn.Parameters[2].Value.Data[0], bn.Parameters[3].Value.Data[0]);
        Assert.Equal(0.9 * 0 + 0.1 * 3, mean, 6);
        Assert.Equal(0.9 * 1 + 0.1 * 3.5, variance, 6);
        var y = bn.Forward(new Tensor([1.3f], 1, 1), training: false);
        Assert.Equal((1.3 - 0.3) / Math.Sqrt(1.25 + 1e-3), y.Data[0], 5);
        Assert.False(bn.Parameters[2].Trainable);
    }

    [Fact]
    public void Residual_block_with_identity_shortcut_matches_finite_differences()
    {
        const int Batch = 2, C = 3, H = 5, W = 5;
        var block = new ResidualBlock([new Conv2D(C, 3, padding: Padding.Same, relu: true), new Conv2D(C, 3, padding: Padding.Same)]);
        GradientCheck.Run(block, [C, H, W], Batch, (x, p) =>
        {
            var first = References.Conv(x, p[0], p[1], Batch, C, H, W, C, 3, 1, 1, 1, H, W, relu: true);
            var second = References.Conv(first, p[2], p[3], Batch, C, H, W, C, 3, 1, 1, 1, H, W, relu: false);
            return second.Select((v, i) => Math.Max(0, v + x[i])).ToArray();
        });
    }

    [Fact]
    public void Residual_block_with_a_strided_projection_matches_finite_differences()
    {
        const int Batch = 2, C = 2, H = 6, W = 6, F = 4;
        var block = new ResidualBlock(
            [new Conv2D(F, 3, stride: 2, padding: Padding.Same)],
            [new Conv2D(F, 1, stride: 2)]);
        GradientCheck.Run(block, [C, H, W], Batch, (x, p) =>
        {
            // 'same' with stride 2 on 6: 3 outputs, total padding max(2·2 + 3 − 6, 0) = 1, so 0 before.
            var body = References.Conv(x, p[0], p[1], Batch, C, H, W, F, 3, 2, 0, 0, 3, 3, relu: false);
            var projection = References.Conv(x, p[2], p[3], Batch, C, H, W, F, 1, 2, 0, 0, 3, 3, relu: false);
            return body.Select((v, i) => Math.Max(0, v + projection[i])).ToArray();
        });
    }

    [Fact]
    public void Residual_block_whose_shapes_disagree_names_both()
    {
        var block = new ResidualBlock([new Conv2D(8, 3, padding: Padding.Same)]) { Name = "residual_block_2" };

        var error = Assert.Throws<ArgumentException>(() => block.Build([4, 6, 6], new Rng(0)));

        Assert.Contains("residual_block_2", error.Message, StringComparison.Ordinal);
        Assert.Contains("(8, 6, 6)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(4, 6, 6)", error.Message, StringComparison.Ordinal);
    }
}
