using Podium.Nn;
using SkiaSharp;

namespace Podium.Vision.Images;

/// <summary>Writes one image of a batch as a PNG: grey for one channel, RGB for three.</summary>
public static class PngWriter
{
    /// <summary>Image <paramref name="index"/> of (n, channels, height, width) values in [0, 1], as PNG bytes.</summary>
    /// <exception cref="ArgumentException">The images are not one or three channels, or the index is outside the batch.</exception>
    public static byte[] Encode(Tensor images, int index)
    {
        if (images.Shape.Length != 4 || images.Shape[1] is not (1 or 3))
        {
            throw new ArgumentException($"a PNG is written from (n, 1 or 3, height, width) images, not {Tensor.Format(images.Shape)}");
        }

        var (channels, height, width) = (images.Shape[1], images.Shape[2], images.Shape[3]);
        if (index < 0 || index >= images.Shape[0])
        {
            throw new ArgumentException($"image {index} is outside the batch of {images.Shape[0]}");
        }

        var plane = height * width;
        var offset = (long)index * channels * plane;
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[plane * 4];
        for (var p = 0; p < plane; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                var value = images.Data[offset + (channels == 1 ? 0 : c) * plane + p];
                pixels[p * 4 + c] = (byte)Math.Clamp(MathF.Round(value * 255f), 0f, 255f);
            }

            pixels[p * 4 + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
