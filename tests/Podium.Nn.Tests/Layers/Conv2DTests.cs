using Podium.Nn.Layers;
using Xunit;

namespace Podium.Nn.Tests.Layers;

public sealed class Conv2DTests
{
    private static GradientCheck.Reference Reference(int batch, int c, int h, int w, int filters, int k, int stride, int padTop, int padLeft, int oh, int ow, bool relu) =>
        (x, p) => References.Conv(x, p[0], p[1], batch, c, h, w, filters, k, stride, padTop, padLeft, oh, ow, relu);

    [Theory]
    // c, h, w, filters, k, stride, padding, relu
    [InlineData(1, 5, 5, 2, 3, 1, Padding.Valid, false)]
    [InlineData(2, 7, 6, 3, 3, 1, Padding.Same, false)]
    [InlineData(3, 7, 7, 2, 5, 2, Padding.Same, true)]
    [InlineData(2, 9, 8, 4, 3, 2, Padding.Valid, true)]
    [InlineData(1, 6, 6, 2, 2, 1, Padding.Same, false)]
    [InlineData(3, 5, 7, 5, 1, 1, Padding.Valid, false)]
    // Rows wider than one 16-float register, with a ragged last register.
    [InlineData(2, 5, 21, 3, 5, 1, Padding.Same, true)]
    [InlineData(1, 4, 37, 2, 3, 1, Padding.Valid, false)]
    [InlineData(1, 3, 18, 2, 4, 1, Padding.Same, false)]
    // More rows than one 256-row K block of the product, and a last column panel of 2 (two 5×5 images).
    [InlineData(11, 5, 5, 3, 5, 1, Padding.Same, true)]
    // Columns filling whole 48-wide panels exactly (two 6×24 images).
    [InlineData(1, 8, 26, 2, 3, 1, Padding.Valid, false)]
    // The direct path (stride 1, at least 16 channels and filters, AVX-512): rows narrower than 8 two to a tile with an
    // odd last row; channels and filters short of a 32-wide tile; rows cut into runs; a second pass of filters.
    [InlineData(16, 5, 5, 16, 3, 1, Padding.Same, true)]
    [InlineData(17, 3, 10, 20, 3, 1, Padding.Valid, false)]
    [InlineData(16, 6, 6, 16, 5, 1, Padding.Valid, true)]
    [InlineData(16, 1, 15, 33, 3, 1, Padding.Same, true)]
    public void Backward_matches_finite_differences_of_a_direct_convolution(int c, int h, int w, int filters, int k, int stride, Padding padding, bool relu) =>
        Check(new Conv2D(filters, k, stride, padding, relu), c, h, w, filters, k, stride, padding, relu);

    [Theory]
    // The direct path's kernel gradient summed over blocks of output rows: 2, 2 and 1 rows; then 1 and 1.
    [InlineData(16, 5, 5, 16, 3, Padding.Same, true, 10)]
    [InlineData(16, 6, 6, 16, 5, Padding.Valid, false, 2)]
    public void The_kernel_gradient_summed_block_by_block_matches_finite_differences(int c, int h, int w, int filters, int k, Padding padding, bool relu, int block) =>
        Check(new Conv2D(filters, k, 1, padding, relu) { KernelGradientBlock = block }, c, h, w, filters, k, 1, padding, relu);

    [Theory]
    // The direct path over several images per partition (batch 5 in 4 partitions: 2, 2, 1): narrow rows paired with the
    // same row of the next image and an image left alone; kernel rows skipped where they would read only padding (5×5 on
    // 2×3 skips on every row, forward, kernel gradient and input gradient); 17 channels, so a channel pair is cut short;
    // the kernel gradient in blocks of 2 rows; valid padding, whose input gradient skips.
    [InlineData(16, 3, 4, 16, 3, Padding.Same, true, 5, 256)]
    [InlineData(17, 2, 3, 16, 5, Padding.Same, false, 5, 256)]
    [InlineData(16, 5, 5, 16, 3, Padding.Same, true, 5, 10)]
    [InlineData(16, 5, 4, 16, 3, Padding.Valid, false, 5, 256)]
    public void Several_images_per_partition_match_finite_differences(int c, int h, int w, int filters, int k, Padding padding, bool relu, int batch, int block) =>
        Check(new Conv2D(filters, k, 1, padding, relu) { KernelGradientBlock = block }, c, h, w, filters, k, 1, padding, relu, batch);

    private static void Check(Conv2D conv, int c, int h, int w, int filters, int k, int stride, Padding padding, bool relu, int batch = 2)
    {
        int oh, ow, padTop, padLeft;
        if (padding == Padding.Valid)
        {
            (oh, ow, padTop, padLeft) = ((h - k) / stride + 1, (w - k) / stride + 1, 0, 0);
        }
        else
        {
            // TensorFlow's rule, worked here independently: total = max((out − 1)·s + k − n, 0), before = total / 2.
            (oh, ow) = ((h + stride - 1) / stride, (w + stride - 1) / stride);
            padTop = Math.Max((oh - 1) * stride + k - h, 0) / 2;
            padLeft = Math.Max((ow - 1) * stride + k - w, 0) / 2;
        }

        GradientCheck.Run(conv, [c, h, w], batch, Reference(batch, c, h, w, filters, k, stride, padTop, padLeft, oh, ow, relu));
        Assert.Equal([filters, oh, ow], conv.OutputShape!);
    }

    [Fact]
    public void Same_padding_keeps_size_and_valid_shrinks_it()
    {
        Assert.Equal([32, 28, 28], new Conv2D(32, 5, padding: Padding.Same).Build([1, 28, 28], new Rng(0)));
        Assert.Equal([32, 96, 96], new Conv2D(32, 5).Build([3, 100, 100], new Rng(0)));
        Assert.Equal([8, 50, 50], new Conv2D(8, 3, stride: 2, padding: Padding.Same).Build([3, 100, 100], new Rng(0)));
    }

    [Fact]
    public void A_wrong_input_shape_names_the_layer_and_both_shapes()
    {
        var conv = new Conv2D(4, 3) { Name = "conv2d_7" };
        conv.Build([3, 8, 8], new Rng(0));

        var error = Assert.Throws<ArgumentException>(() => conv.Forward(new Tensor(2, 1, 8, 8), training: false));

        Assert.Contains("conv2d_7", error.Message, StringComparison.Ordinal);
        Assert.Contains("(batch, 3, 8, 8)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 1, 8, 8)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Glorot_uniform_kernel_and_zero_bias_like_keras()
    {
        var conv = new Conv2D(64, 5);
        conv.Build([32, 12, 12], new Rng(3));
        var kernel = conv.Parameters[0].Value.Data;
        // fan_in = 32·25, fan_out = 64·25: limit = sqrt(6 / 2400) = 0.05; a uniform's variance is limit²/3.
        var limit = Math.Sqrt(6.0 / (32 * 25 + 64 * 25));
        Assert.All(kernel, v => Assert.InRange(v, -limit, limit));
        var variance = kernel.Select(v => (double)v * v).Average();
        Assert.InRange(variance, limit * limit / 3 * 0.97, limit * limit / 3 * 1.03);
        Assert.All(conv.Parameters[1].Value.Data, v => Assert.Equal(0f, v));
    }
}
