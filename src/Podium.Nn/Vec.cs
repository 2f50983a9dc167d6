using System.Numerics;

namespace Podium.Nn;

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
}
