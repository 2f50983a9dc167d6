using System.Text.Json;
using Podium.Tests;
using Podium.Vision.Images;
using Xunit;

namespace Podium.Vision.Tests.Images;

/// <summary>Every kind of file write_images.py writes with Debian's PIL and ImageMagick, and PIL's decoding of each.</summary>
public sealed class PilImages : IDisposable
{
    private readonly TempFolder _folder = new();

    public PilImages()
    {
        // The script writes into its working folder, which PythonOracle's input names.
        var script = Path.Combine(AppContext.BaseDirectory, "Images", "write_images.py");
        var output = PythonOracle.Run($"import os, runpy, sys\nos.chdir(sys.stdin.read())\nrunpy.run_path({JsonSerializer.Serialize(script)}, run_name='__main__')", _folder.Path);
        Expected = JsonSerializer.Deserialize<Dictionary<string, PilDecoding>>(output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    public IReadOnlyDictionary<string, PilDecoding> Expected { get; }

    public string File(string name) => _folder.File(name);

    public void Dispose() => _folder.Dispose();
}

/// <summary>What PIL gave for one file: its mode, size, and convert('RGB') and convert('L') bytes (base64).</summary>
public sealed record PilDecoding(string Note, string Mode, int Width, int Height, string Rgb, string Gray);

public sealed class ImageDecoderTests(PilImages images) : IClassFixture<PilImages>
{
    /// <summary>Each file write_images.py writes; a test below checks that the two lists agree.</summary>
    private static readonly string[] FileNames =
    [
        "jpeg_420.jpg", "jpeg_420_progressive.jpg", "jpeg_422.jpg", "jpeg_422_progressive.jpg", "jpeg_444.jpg", "jpeg_444_progressive.jpg",
        "jpeg_gray.jpg", "jpeg_gray_progressive.jpg", "jpeg_cmyk.jpg", "jpeg_ycck.jpg", "jpeg_exif_rotated.jpg",
        "png_gray1.png", "png_gray2.png", "png_gray4.png", "png_gray8.png", "png_gray16.png", "png_gray8_trns.png",
        "png_gray_alpha8.png", "png_gray_alpha16.png", "png_rgb8.png", "png_rgb16.png", "png_rgb8_trns.png", "png_rgba8.png", "png_rgba16.png",
        "png_palette1.png", "png_palette2.png", "png_palette4.png", "png_palette8.png", "png_palette_trns.png",
        "png_gama10.png", "png_gama_chrm.png", "png_srgb.png", "png_iccp.png", "png_rgb8_interlaced.png", "png_palette8_interlaced.png",
        "bmp_rgb24.bmp", "bmp_palette8.bmp", "bmp_gray8.bmp", "bmp_mono1.bmp", "bmp_palette4.bmp", "bmp_rle8.bmp", "bmp_rgba32.bmp",
        "gif_plain.gif", "gif_transparent.gif", "gif_offset_frame.gif", "gif_animated.gif",
    ];

    public static TheoryData<string> Files => [.. FileNames];

    [Fact]
    public void The_test_covers_every_file_the_script_writes()
    {
        Assert.Equal(images.Expected.Keys.Order(StringComparer.Ordinal), FileNames.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_file_decodes_to_the_bytes_pil_gives_in_rgb_and_grey(string file)
    {
        // Given PIL's Image.open(file).convert('RGB') and .convert('L')
        var pil = images.Expected[file];

        // When Podium decodes the same file
        var rgb = ImageDecoder.Decode(images.File(file));
        var gray = ImageDecoder.Decode(images.File(file), gray: true);

        // Then the sizes and every byte agree
        Assert.Equal((pil.Width, pil.Height, 3), (rgb.Width, rgb.Height, rgb.Channels));
        Assert.Equal((pil.Width, pil.Height, 1), (gray.Width, gray.Height, gray.Channels));
        AssertSameBytes(file + " (" + pil.Note + "), RGB", Convert.FromBase64String(pil.Rgb), rgb.Pixels);
        AssertSameBytes(file + " (" + pil.Note + "), grey", Convert.FromBase64String(pil.Gray), gray.Pixels);
    }

    [Fact]
    public void Exif_orientation_is_not_applied_as_keras_load_img_does_not()
    {
        // The file says "rotate 90° to display"; Keras (PIL's Image.open) returns the stored 17x13 rows.
        var rotated = ImageDecoder.Decode(images.File("jpeg_exif_rotated.jpg"));
        var plain = ImageDecoder.Decode(images.File("jpeg_420.jpg"));

        Assert.Equal((17, 13), (rotated.Width, rotated.Height));
        Assert.Equal(plain.Pixels, rotated.Pixels);
    }

    [Fact]
    public void Sixteen_bit_grey_is_clipped_to_255_as_pil_converts_its_integer_mode()
    {
        // write_images.py puts 32768, 255 and 256 in the first three pixels.
        var decoded = ImageDecoder.Decode(images.File("png_gray16.png"), gray: true);

        Assert.Equal(new byte[] { 255, 255, 255 }, decoded.Pixels[..3]);
        Assert.Equal("I", images.Expected["png_gray16.png"].Mode);
    }

    [Theory]
    [InlineData("jpeg_420.jpg", 100, "is a truncated JPEG: its data ends before the last row")]
    [InlineData("jpeg_420.jpg", 600, "is truncated: it ends inside its header")]
    [InlineData("png_rgb8.png", 200, "is a truncated PNG: its data ends before the last row")]
    [InlineData("gif_plain.gif", 100, "is a truncated GIF: its data ends before the last row")]
    public void A_truncated_file_is_named_with_its_problem(string file, int cut, string problem)
    {
        var bytes = System.IO.File.ReadAllBytes(images.File(file));
        var path = images.File($"cut{cut}_" + file);
        System.IO.File.WriteAllBytes(path, bytes[..^cut]);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path));

        Assert.Equal($"'{path}' {problem}", error.Message);
    }

    [Theory]
    [InlineData("text.png", "not an image at all")]
    [InlineData("empty.jpg", "")]
    public void A_file_that_is_no_image_is_named_and_said_so(string name, string content)
    {
        var path = images.File(name);
        System.IO.File.WriteAllText(path, content);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path));

        Assert.Equal($"'{path}' is not a PNG, JPEG, BMP or GIF file (by its content), or its header is damaged", error.Message);
    }

    [Fact]
    public void A_png_with_damaged_compressed_data_is_named()
    {
        var bytes = System.IO.File.ReadAllBytes(images.File("png_rgb8.png"));
        var idat = bytes.AsSpan().IndexOf("IDAT"u8);
        for (var i = idat + 6; i < idat + 40; i++)
        {
            bytes[i] ^= 0x5A;
        }

        var path = images.File("damaged.png");
        System.IO.File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path));

        Assert.StartsWith($"'{path}' is a ", error.Message, StringComparison.Ordinal);
        Assert.Contains("PNG", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSameBytes(string what, byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var differ = Enumerable.Range(0, expected.Length).Where(i => expected[i] != actual[i]).ToArray();
        Assert.True(differ.Length == 0, $"{what}: {differ.Length} of {expected.Length} bytes differ from PIL; first at {differ.FirstOrDefault()}: PIL {expected[differ.FirstOrDefault()]}, Podium {actual[differ.FirstOrDefault()]}");
    }
}
