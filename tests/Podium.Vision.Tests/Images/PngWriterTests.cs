using Podium.Nn;
using Podium.Tests;
using Podium.Vision.Images;
using Xunit;

namespace Podium.Vision.Tests.Images;

/// <summary>PNGs of dataset images, read back by PIL: the same pixels, grey and RGB.</summary>
public sealed class PngWriterTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void PIL_reads_back_the_pixels_of_the_chosen_image_rounded_to_bytes(int channels)
    {
        const int Height = 5, Width = 7, Count = 3;
        var images = new Tensor(Count, channels, Height, Width);
        var random = new Random(channels);
        for (var i = 0; i < images.Length; i++)
        {
            images.Data[i] = (float)random.NextDouble();
        }

        images.Data[0] = -0.2f; // outside [0, 1]: clamped
        images.Data[1] = 1.3f;
        var png = PngWriter.Encode(images, 1);
        var read = PythonOracle.Run(
            "import sys, io, base64\nfrom PIL import Image\nimg = Image.open(io.BytesIO(base64.b64decode(sys.stdin.read()))).convert('RGB')\n"
            + "print(img.size[0], img.size[1]); print(' '.join(str(c) for p in img.getdata() for c in p))",
            Convert.ToBase64String(png)).Split('\n');
        Assert.Equal($"{Width} {Height}", read[0]);
        var pixels = read[1].Split(' ').Select(int.Parse).ToArray();
        var plane = Height * Width;
        for (var p = 0; p < plane; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                var value = images.Data[(1 * channels + (channels == 1 ? 0 : c)) * plane + p];
                Assert.Equal((int)Math.Clamp(MathF.Round(value * 255f), 0, 255), pixels[p * 3 + c]);
            }
        }

        var first = PythonOracle.Run(
            "import sys, io, base64\nfrom PIL import Image\nimg = Image.open(io.BytesIO(base64.b64decode(sys.stdin.read()))).convert('RGB')\nprint(img.getpixel((0, 0))[0], img.getpixel((1, 0))[0])",
            Convert.ToBase64String(PngWriter.Encode(images, 0))).Trim();
        Assert.Equal(channels == 1 ? "0 255" : "0 " + (int)Math.Clamp(MathF.Round(images.Data[1] * 255f), 0, 255), first);
    }

    [Fact]
    public void Images_that_are_not_grey_or_rgb_or_an_index_outside_the_batch_are_refused_with_the_reason()
    {
        Assert.Contains("1 or 3", Assert.Throws<ArgumentException>(() => PngWriter.Encode(new Tensor(2, 2, 3, 3), 0)).Message);
        Assert.Contains("outside the batch of 2", Assert.Throws<ArgumentException>(() => PngWriter.Encode(new Tensor(2, 1, 3, 3), 2)).Message);
    }
}
