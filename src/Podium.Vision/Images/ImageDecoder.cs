using SkiaSharp;

namespace Podium.Vision.Images;

/// <summary>
/// Decodes PNG, JPEG, BMP and GIF files by their content (not their extension) to 8-bit grey or RGB, with the pixels
/// PIL gives, through SkiaSharp (native builds for Windows, macOS and Linux come with its NuGet packages).
/// </summary>
public static class ImageDecoder
{
    /// <summary>
    /// The version of the decoding rules; a dataset cache keys on it, so images cached by an older decoder are decoded
    /// again. Version 2 is SkiaSharp with PIL's rules (version 1 was libpng and libjpeg-turbo).
    /// </summary>
    public const int Version = 2;

    /// <summary>
    /// Decodes a file as Keras's load_img does through PIL, Image.open(f).convert('RGB') or .convert('L'): alpha is
    /// dropped (not composited), colour profiles and gamma chunks are not applied, EXIF orientation is not applied
    /// (the stored rows come back), a GIF gives its first frame, and grey is PIL's luma,
    /// (19595·R + 38470·G + 7471·B + 32768) >> 16.
    /// </summary>
    /// <exception cref="ImageDecodeException">The file cannot be read, is not PNG, JPEG, BMP or GIF, or is damaged or truncated; names the path.</exception>
    public static DecodedImage Decode(string path, bool gray = false)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException($"cannot read '{path}': {e.Message}", e);
        }

        return Decode(bytes, path, gray);
    }

    /// <summary>An image file's width and height, read from its header without decoding the pixels.</summary>
    /// <exception cref="ImageDecodeException">The file cannot be read or is not an image Podium decodes; names the path.</exception>
    public static (int Width, int Height) Size(string path)
    {
        try
        {
            using var codec = SKCodec.Create(path) ?? throw new ImageDecodeException($"'{path}' is not a PNG, JPEG, BMP or GIF image");
            return (codec.Info.Width, codec.Info.Height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException($"cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>Decodes an image held in memory; <paramref name="path"/> only names it in errors.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not PNG, JPEG, BMP or GIF, or are damaged or truncated.</exception>
    public static DecodedImage Decode(byte[] bytes, string path, bool gray = false)
    {
        // PIL clips 16-bit grey to 255 rather than scaling it, which needs each sample's low byte; Skia keeps only
        // the high one, so such a file is read with its samples split into two 8-bit channels.
        var gray16 = PngGray16.Split(bytes);
        var (width, height, rgba) = DecodeRgba(gray16 ?? bytes, path);
        if (gray16 is not null)
        {
            PngGray16.Clip(rgba);
        }
        else if (Gif.IsGif(bytes))
        {
            Gif.FillTransparent(bytes, rgba);
        }

        var n = width * height;
        var channels = gray ? 1 : 3;
        var pixels = new byte[n * channels];
        for (var i = 0; i < n; i++)
        {
            var (r, g, b) = (rgba[i * 4], rgba[(i * 4) + 1], rgba[(i * 4) + 2]);
            if (gray)
            {
                pixels[i] = (byte)(((19595 * r) + (38470 * g) + (7471 * b) + 32768) >> 16);
            }
            else
            {
                (pixels[i * 3], pixels[(i * 3) + 1], pixels[(i * 3) + 2]) = (r, g, b);
            }
        }

        return new DecodedImage(width, height, channels, pixels);
    }

    /// <summary>Skia's decoding to unpremultiplied RGBA with no colour-space conversion: what PIL reads, alpha kept apart.</summary>
    private static (int Width, int Height, byte[] Rgba) DecodeRgba(byte[] bytes, string path)
    {
        using var stream = new SKMemoryStream(bytes);
        using var codec = SKCodec.Create(stream, out var opened);
        if (codec is null && opened == SKCodecResult.IncompleteInput && StartsLikeAnImage(bytes))
        {
            throw new ImageDecodeException($"'{path}' is truncated: it ends inside its header");
        }

        if (codec is null || codec.EncodedFormat is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Bmp or SKEncodedImageFormat.Gif))
        {
            throw new ImageDecodeException($"'{path}' is not a PNG, JPEG, BMP or GIF file (by its content), or its header is damaged");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if ((long)width * height > int.MaxValue / 4)
        {
            throw new ImageDecodeException($"'{path}' is {width}x{height} pixels, too large to decode");
        }

        // A null colour space asks for the stored values: no gAMA, iCCP or sRGB conversion, as PIL.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        var result = codec.GetPixels(info, rgba);

        var format = codec.EncodedFormat.ToString().ToUpperInvariant();
        return result switch
        {
            SKCodecResult.Success => (width, height, rgba),
            SKCodecResult.IncompleteInput => throw new ImageDecodeException($"'{path}' is a truncated {format}: its data ends before the last row"),
            SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput => throw new ImageDecodeException($"'{path}' is a damaged {format}: its compressed data is invalid"),
            _ => throw new ImageDecodeException($"'{path}' is a {format} that cannot be decoded ({result})"),
        };
    }

    /// <summary>Whether the first bytes are those of a PNG, JPEG, BMP or GIF (as far as the file goes).</summary>
    private static bool StartsLikeAnImage(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        ReadOnlySpan<byte> jpeg = [0xFF, 0xD8, 0xFF];
        return bytes.Length >= 2 && (png.StartsWith(bytes[..Math.Min(8, bytes.Length)]) || bytes.StartsWith(png)
            || jpeg.StartsWith(bytes[..Math.Min(3, bytes.Length)]) || bytes.StartsWith("BM"u8) || bytes.StartsWith("GIF8"u8));
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
