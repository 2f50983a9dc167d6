using System.Numerics;

namespace Podium.Nn.Kernels;

/// <summary>Small SIMD loops over spans.</summary>
internal static class Vec
{
    /// <summary>dst[i] += src[i].</summary>
    public static void AddTo(Span<float> dst, ReadOnlySpan<float> src)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            for (; i <= dst.Length - width; i += width)
            {
                (new Vector<float>(dst[i..]) + new Vector<float>(src[i..])).CopyTo(dst[i..]);
            }
        }

        for (; i < dst.Length; i++)
        {
            dst[i] += src[i];
        }
    }

    /// <summary>dst[i] = src[i] + bias, then 0 where that is below 0 when <paramref name="relu"/> (NaN and -0 kept, as the scalar test does).</summary>
    public static void AddBias(ReadOnlySpan<float> src, float bias, Span<float> dst, bool relu)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            var b = new Vector<float>(bias);
            for (; i <= src.Length - width; i += width)
            {
                var v = new Vector<float>(src[i..]) + b;
                (relu ? Vector.ConditionalSelect(Vector.LessThan(v, Vector<float>.Zero), Vector<float>.Zero, v) : v).CopyTo(dst[i..]);
            }
        }

        for (; i < src.Length; i++)
        {
            var v = src[i] + bias;
            dst[i] = relu && v < 0f ? 0f : v;
        }
    }

    /// <summary>
    /// dst[i] = 0 where output[i] &lt;= 0, else gradient[i]: the gradient through a ReLU, given its output (or a plain copy
    /// when <paramref name="relu"/> is false). Returns the sum of what was written, added lane by lane in a fixed order.
    /// </summary>
    public static float ReluGradient(ReadOnlySpan<float> gradient, ReadOnlySpan<float> output, Span<float> dst, bool relu = true)
    {
        var i = 0;
        var total = 0f;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            var sum = Vector<float>.Zero;
            for (; i <= gradient.Length - width; i += width)
            {
                var v = new Vector<float>(gradient[i..]);
                if (relu)
                {
                    v = Vector.ConditionalSelect(Vector.LessThanOrEqual(new Vector<float>(output[i..]), Vector<float>.Zero), Vector<float>.Zero, v);
                }

                v.CopyTo(dst[i..]);
                sum += v;
            }

            total = Vector.Sum(sum);
        }

        for (; i < gradient.Length; i++)
        {
            dst[i] = relu && output[i] <= 0f ? 0f : gradient[i];
            total += dst[i];
        }

        return total;
    }

    /// <summary>dst[i] = a[i]·b[i].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            for (; i <= a.Length - width; i += width)
            {
                (new Vector<float>(a[i..]) * new Vector<float>(b[i..])).CopyTo(dst[i..]);
            }
        }

        for (; i < a.Length; i++)
        {
            dst[i] = a[i] * b[i];
        }
    }

    /// <summary>values[i] = <paramref name="kept"/> where values[i] ≥ <paramref name="threshold"/>, else 0: uniform draws become a dropout mask.</summary>
    public static void Threshold(Span<float> values, float threshold, float kept)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            var (t, k) = (new Vector<float>(threshold), new Vector<float>(kept));
            for (; i <= values.Length - width; i += width)
            {
                Vector.ConditionalSelect(Vector.GreaterThanOrEqual(new Vector<float>(values[i..]), t), k, Vector<float>.Zero).CopyTo(values[i..]);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] = values[i] >= threshold ? kept : 0f;
        }
    }
}
