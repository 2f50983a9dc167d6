using System.Numerics;

namespace Podium.Vision.Augmentation;

/// <summary>Vectorised kernels shared by whitening and its fitting.</summary>
internal static class Simd
{
    /// <summary>Σ x[i]·y[i], a vector's width at a time, in a fixed order.</summary>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : struct, INumber<T>
    {
        var width = Vector<T>.Count;
        var sum = Vector<T>.Zero;
        var k = 0;
        for (; k <= x.Length - width; k += width)
        {
            sum += new Vector<T>(x[k..]) * new Vector<T>(y[k..]);
        }

        var total = Vector.Sum(sum);
        for (; k < x.Length; k++)
        {
            total += x[k] * y[k];
        }

        return total;
    }
}
