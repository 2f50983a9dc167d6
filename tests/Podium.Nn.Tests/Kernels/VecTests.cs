using Podium.Nn.Kernels;
using Xunit;

namespace Podium.Nn.Tests.Kernels;

/// <summary>The SIMD loops give the bits the plain scalar formula gives, special values included, at every length.</summary>
public sealed class VecTests
{
    private static readonly float[] Specials = [float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f];

    private static float[] Values(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(i => i % 5 == 0 ? Specials[random.Next(Specials.Length)] : (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(784)]
    public void Bias_and_relu_match_the_scalar_formula_bit_for_bit(int length)
    {
        var source = Values(length, length);
        foreach (var bias in new[] { 0f, -0f, 0.25f, -1.5f, float.NaN })
        {
            foreach (var relu in new[] { false, true })
            {
                var simd = new float[length];
                Vec.AddBias(source, bias, simd, relu);

                var expected = source.Select(x => x + bias).Select(v => relu && v < 0f ? 0f : v).ToArray();
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), simd.Select(BitConverter.SingleToInt32Bits));
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(64)]
    [InlineData(197)]
    public void Relu_gradient_matches_the_scalar_formula_bit_for_bit(int length)
    {
        var gradient = Values(length, 2 * length);
        var output = Values(length, 3 * length);
        var simd = new float[length];

        Vec.ReluGradient(gradient, output, simd);

        var expected = gradient.Select((g, i) => output[i] <= 0f ? 0f : g).ToArray();
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), simd.Select(BitConverter.SingleToInt32Bits));
    }
}
