namespace Podium.Vision.Images;

/// <summary>Decodes PNG, JPEG and BMP files by their content (not their extension) to 8-bit gray or RGB.</summary>
public static class ImageDecoder
{
    /// <summary>
    /// Decodes a file to RGB, or to one gray channel, as Keras's load_img does through PIL: alpha is dropped
    /// (not composited), and gray is PIL's luma, (19595·R + 38470·G + 7471·B + 32768) >> 16.
    /// </summary>
    /// <exception cref="ImageDecodeException">The file is not PNG or JPEG, is damaged, or its decoder library is missing; names the path.</exception>
    public static DecodedImage Decode(string path, bool gray = false)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new ImageDecodeException($"cannot read '{path}': {e.Message}", e);
        }

        var decoded = Png.IsPng(bytes) ? Png.DecodeRgba(bytes, path)
            : Jpeg.IsJpeg(bytes) ? Jpeg.DecodeRgb(bytes, path)
            : Bmp.IsBmp(bytes) ? Bmp.DecodeRgb(bytes, path)
            : throw new ImageDecodeException($"'{path}' is not a PNG, JPEG or BMP file (by its first bytes)");
        return ToChannels(decoded, gray ? 1 : 3);
    }

    private static DecodedImage ToChannels(DecodedImage image, int channels)
    {
        var (n, from) = (image.Width * image.Height, image.Channels);
        if (from == channels)
        {
            return image;
        }

        var pixels = new byte[n * channels];
        for (var i = 0; i < n; i++)
        {
            var (r, g, b) = (image.Pixels[i * from], image.Pixels[i * from + 1], image.Pixels[i * from + 2]);
            if (channels == 1)
            {
                pixels[i] = (byte)(((19595 * r) + (38470 * g) + (7471 * b) + 32768) >> 16);
            }
            else
            {
                (pixels[i * 3], pixels[i * 3 + 1], pixels[i * 3 + 2]) = (r, g, b);
            }
        }

        return new DecodedImage(image.Width, image.Height, channels, pixels);
    }

    /// <summary>
    /// Bilinear resize of interleaved 8-bit pixels to floats in [0, 1], NCHW plane order, with pixel centres
    /// aligned (half-pixel offsets, as OpenCV's INTER_LINEAR); the identity when the size does not change.
    /// </summary>
    public static void ResizeInto(DecodedImage image, int width, int height, Span<float> chw)
    {
        var c = image.Channels;
        var (sx, sy) = ((double)image.Width / width, (double)image.Height / height);
        for (var y = 0; y < height; y++)
        {
            var fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, image.Height - 1);
            var y0 = (int)fy;
            var y1 = Math.Min(y0 + 1, image.Height - 1);
            var wy = fy - y0;
            for (var x = 0; x < width; x++)
            {
                var fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, image.Width - 1);
                var x0 = (int)fx;
                var x1 = Math.Min(x0 + 1, image.Width - 1);
                var wx = fx - x0;
                for (var ch = 0; ch < c; ch++)
                {
                    double P(int yy, int xx) => image.Pixels[(yy * image.Width + xx) * c + ch];
                    var top = P(y0, x0) * (1 - wx) + P(y0, x1) * wx;
                    var bottom = P(y1, x0) * (1 - wx) + P(y1, x1) * wx;
                    chw[(ch * height + y) * width + x] = (float)((top * (1 - wy) + bottom * wy) / 255.0);
                }
            }
        }
    }
}
