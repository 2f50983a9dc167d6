using Podium.Nn;

namespace Podium.Vision.Augmentation;

public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// The random transform of one sample, as Keras's get_random_transform draws it. Seeded per epoch and
    /// sample, so a run repeats exactly whatever the batch order or the number of worker threads.
    /// </summary>
    public TransformParameters RandomTransform(int height, int width, long seed, int epoch, int sample)
    {
        var rng = Rng.For(seed, ((ulong)(uint)epoch << 32) | (uint)sample);
        double Uniform(double low, double high) => low + rng.NextDouble() * (high - low);

        var theta = RotationRange != 0 ? Uniform(-RotationRange, RotationRange) : 0;
        var tx = Shift(HeightShiftRange, height);
        var ty = Shift(WidthShiftRange, width);
        var shear = ShearRange != 0 ? Uniform(-ShearRange, ShearRange) : 0;
        var (zx, zy) = ZoomRange != 0 ? (Uniform(1 - ZoomRange, 1 + ZoomRange), Uniform(1 - ZoomRange, 1 + ZoomRange)) : (1.0, 1.0);
        var flipH = rng.NextDouble() < 0.5 && HorizontalFlip;
        var flipV = rng.NextDouble() < 0.5 && VerticalFlip;
        double? channelShift = ChannelShiftRange != 0 ? Uniform(-ChannelShiftRange, ChannelShiftRange) : null;
        double? brightness = BrightnessRange is { } b ? Uniform(b.Low, b.High) : null;
        return new TransformParameters(theta, tx, ty, shear, zx, zy, flipH, flipV, channelShift, brightness);

        // Keras: a whole number of pixels ≥ 1 picks an integer in [0, n) with a random sign; a fraction below 1
        // is uniform in [−r, r] times the size; any other value is uniform in [−r, r] pixels.
        double Shift(double range, int size)
        {
            if (range == 0)
            {
                return 0;
            }

            if (range >= 1 && range == Math.Floor(range))
            {
                var pixels = rng.NextInt((int)range);
                return rng.NextDouble() < 0.5 ? -pixels : pixels;
            }

            var shift = Uniform(-range, range);
            return range < 1 ? shift * size : shift;
        }
    }

    /// <summary>
    /// Keras's apply_transform on one image (channels, height, width): the affine part (rotation, shift,
    /// shear, zoom about the centre, bilinear, <see cref="FillMode"/>), then channel shift, flips and brightness.
    /// </summary>
    public void ApplyTransform(ReadOnlySpan<float> image, Span<float> output, int[] shape, TransformParameters p)
    {
        var (c, h, w) = (shape[0], shape[1], shape[2]);
        if (Affine(p, h, w) is { } matrix)
        {
            for (var ch = 0; ch < c; ch++)
            {
                AffineSampler.Transform(image.Slice(ch * h * w, h * w), output.Slice(ch * h * w, h * w), h, w, matrix, FillMode, (float)Cval);
            }
        }
        else
        {
            image.CopyTo(output);
        }

        if (p.ChannelShift is { } shift)
        {
            // Keras clips to the image's own range, taken over all channels before the shift.
            var (min, max) = (float.PositiveInfinity, float.NegativeInfinity);
            foreach (var v in output[..(c * h * w)])
            {
                (min, max) = (Math.Min(min, v), Math.Max(max, v));
            }

            for (var i = 0; i < c * h * w; i++)
            {
                output[i] = Math.Clamp(output[i] + (float)shift, min, max);
            }
        }

        if (p.FlipHorizontal)
        {
            for (var row = 0; row < c * h; row++)
            {
                output.Slice(row * w, w).Reverse();
            }
        }

        if (p.FlipVertical)
        {
            for (var ch = 0; ch < c; ch++)
            {
                for (var y = 0; y < h / 2; y++)
                {
                    var top = output.Slice((ch * h + y) * w, w);
                    var bottom = output.Slice((ch * h + h - 1 - y) * w, w);
                    for (var x = 0; x < w; x++)
                    {
                        (top[x], bottom[x]) = (bottom[x], top[x]);
                    }
                }
            }
        }

        if (p.Brightness is { } factor)
        {
            // Keras goes through a uint8 PIL image here, which destroys images scaled to [0, 1]; Podium applies
            // what that means, PIL's Brightness enhancement (a blend with black), clipped to the image's scale.
            var top = 1f;
            foreach (var v in output[..(c * h * w)])
            {
                top = Math.Max(top, v);
            }

            top = top > 1f ? 255f : 1f;
            for (var i = 0; i < c * h * w; i++)
            {
                output[i] = Math.Clamp(output[i] * (float)factor, 0f, top);
            }
        }
    }

    /// <summary>
    /// The 2×3 matrix [a00, a01, b0, a10, a11, b1] mapping output (row, col) to input (row, col): rotation · shift ·
    /// shear · zoom about the image centre, Keras's composition and sign conventions written directly in array
    /// coordinates. Null for the identity.
    /// </summary>
    /// <remarks>
    /// Keras builds the same product in (x, y) order and swaps the axes afterwards, which puts the height shift
    /// on the columns and takes the centre from the height for both axes. On square images that is the same
    /// transform with tx/ty and zx/zy exchanged (tested against Keras's formula); on other images Podium keeps
    /// the documented meaning: height_shift_range moves rows, width_shift_range moves columns.
    /// </remarks>
    internal static double[]? Affine(TransformParameters p, int h, int w)
    {
        double[,]? m = null;
        static double[,] Times(double[,]? a, double[,] b)
        {
            if (a is null)
            {
                return b;
            }

            var r = new double[3, 3];
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    for (var k = 0; k < 3; k++)
                    {
                        r[i, j] += a[i, k] * b[k, j];
                    }
                }
            }

            return r;
        }

        if (p.Theta != 0)
        {
            var t = p.Theta * Math.PI / 180;
            m = Times(m, new[,] { { Math.Cos(t), Math.Sin(t), 0 }, { -Math.Sin(t), Math.Cos(t), 0 }, { 0, 0, 1.0 } });
        }

        if (p.Tx != 0 || p.Ty != 0)
        {
            m = Times(m, new[,] { { 1, 0, p.Tx }, { 0, 1, p.Ty }, { 0, 0, 1.0 } });
        }

        if (p.Shear != 0)
        {
            var s = p.Shear * Math.PI / 180;
            m = Times(m, new[,] { { Math.Cos(s), 0, 0 }, { -Math.Sin(s), 1, 0 }, { 0, 0, 1.0 } });
        }

        if (p.Zx != 1 || p.Zy != 1)
        {
            m = Times(m, new[,] { { p.Zx, 0, 0 }, { 0, p.Zy, 0 }, { 0, 0, 1.0 } });
        }

        if (m is null)
        {
            return null;
        }

        var (or, oc) = (h / 2.0 - 0.5, w / 2.0 - 0.5);
        m = Times(Times(new[,] { { 1, 0, or }, { 0, 1, oc }, { 0, 0, 1.0 } }, m), new[,] { { 1, 0, -or }, { 0, 1, -oc }, { 0, 0, 1.0 } });
        return [m[0, 0], m[0, 1], m[0, 2], m[1, 0], m[1, 1], m[1, 2]];
    }
}
