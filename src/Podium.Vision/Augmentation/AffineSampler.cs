namespace Podium.Vision.Augmentation;

/// <summary>
/// Order-1 (bilinear) affine resampling with the boundary rules of scipy.ndimage.affine_transform, which
/// Keras calls: output (i, j) reads input at A·(i, j) + b.
/// </summary>
internal static class AffineSampler
{
    /// <summary>matrix = [a00, a01, b0, a10, a11, b1] mapping output (row, col) to input (row, col).</summary>
    public static void Transform(ReadOnlySpan<float> input, Span<float> output, int h, int w, double[] matrix, FillMode mode, float cval)
    {
        for (var i = 0; i < h; i++)
        {
            for (var j = 0; j < w; j++)
            {
                var row = matrix[0] * i + matrix[1] * j + matrix[2];
                var col = matrix[3] * i + matrix[4] * j + matrix[5];
                output[i * w + j] = Sample(input, h, w, row, col, mode, cval);
            }
        }
    }

    private static float Sample(ReadOnlySpan<float> input, int h, int w, double row, double col, FillMode mode, float cval)
    {
        row = MapCoordinate(row, h, mode);
        col = MapCoordinate(col, w, mode);
        // scipy: a coordinate mapped outside the image means cval in constant mode.
        if (mode == FillMode.Constant && (row <= -1 || col <= -1))
        {
            return cval;
        }

        var (r0, c0) = ((int)Math.Floor(row), (int)Math.Floor(col));
        var (fr, fc) = (row - r0, col - c0);
        double value = 0;
        for (var dr = 0; dr < 2; dr++)
        {
            var wr = dr == 0 ? 1 - fr : fr;
            if (wr == 0)
            {
                continue;
            }

            var r = MapIndex(r0 + dr, h, mode);
            for (var dc = 0; dc < 2; dc++)
            {
                var wc = dc == 0 ? 1 - fc : fc;
                if (wc == 0)
                {
                    continue;
                }

                var c = MapIndex(c0 + dc, w, mode);
                value += wr * wc * (r < 0 || c < 0 ? cval : input[r * w + c]);
            }
        }

        return (float)value;
    }

    /// <summary>scipy's map_coordinate: folds a coordinate outside [0, n − 1] back in by the mode; −1 marks "outside" for constant.</summary>
    internal static double MapCoordinate(double x, int n, FillMode mode)
    {
        if (x < 0)
        {
            switch (mode)
            {
                case FillMode.Reflect:
                {
                    var period = 2.0 * n;
                    if (x < -period)
                    {
                        x = period * (long)(-x / period) + x;
                    }

                    return x < -n ? x + period : -x - 1;
                }

                case FillMode.Wrap:
                {
                    // scipy's 'wrap' repeats with period n − 1: the first and last samples coincide.
                    if (n <= 1)
                    {
                        return 0;
                    }

                    var period = n - 1.0;
                    return x + (period * ((long)(-x / period) + 1));
                }

                case FillMode.Nearest:
                    return 0;
                default:
                    return -1;
            }
        }

        if (x > n - 1)
        {
            switch (mode)
            {
                case FillMode.Reflect:
                {
                    var period = 2.0 * n;
                    x -= period * (long)(x / period);
                    return x >= n ? period - x - 1 : x;
                }

                case FillMode.Wrap:
                {
                    if (n <= 1)
                    {
                        return 0;
                    }

                    var period = n - 1.0;
                    return x - (period * (long)(x / period));
                }

                case FillMode.Nearest:
                    return n - 1;
                default:
                    return -1;
            }
        }

        return x;
    }

    /// <summary>The array index for a support point of the interpolation, folded by the mode; −1 for outside in constant mode.</summary>
    private static int MapIndex(int index, int n, FillMode mode)
    {
        if (index >= 0 && index < n)
        {
            return index;
        }

        return mode switch
        {
            FillMode.Nearest => Math.Clamp(index, 0, n - 1),
            FillMode.Reflect => (int)MapCoordinate(index, n, mode),
            FillMode.Wrap => (int)MapCoordinate(index, n, mode),
            _ => -1,
        };
    }
}
