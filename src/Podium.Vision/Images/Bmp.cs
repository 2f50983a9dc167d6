using System.Buffers.Binary;

namespace Podium.Vision.Images;

/// <summary>
/// Uncompressed Windows BMP (BI_RGB, and BI_BITFIELDS with the standard 32-bit masks): 24- and 32-bit, and
/// 1-, 4- and 8-bit palettes; rows bottom-up or top-down. Compressed (RLE, JPEG, PNG) BMPs are refused by name.
/// </summary>
internal static class Bmp
{
    public static bool IsBmp(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == (byte)'B' && bytes[1] == (byte)'M';

    /// <summary>Decodes to interleaved RGB, 8 bits per channel.</summary>
    public static DecodedImage DecodeRgb(byte[] bytes, string path)
    {
        if (bytes.Length < 54)
        {
            throw new ImageDecodeException($"'{path}' is a truncated BMP (no complete header)");
        }

        var dataOffset = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(10));
        var headerSize = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(14));
        var width = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(18));
        var rawHeight = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(22));
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28));
        var compression = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(30));
        var topDown = rawHeight < 0;
        var height = Math.Abs(rawHeight);
        if (compression is not (0 or 3) || (compression == 3 && bits != 32))
        {
            throw new ImageDecodeException($"'{path}' is a compressed BMP (compression {compression}); Podium reads uncompressed BMPs");
        }

        if (bits is not (1 or 4 or 8 or 24 or 32) || width <= 0 || height == 0)
        {
            throw new ImageDecodeException($"'{path}' is a BMP Podium does not read ({bits} bits per pixel, {width}x{height})");
        }

        var stride = ((width * bits) + 31) / 32 * 4;
        if (dataOffset < 0 || (long)dataOffset + ((long)stride * height) > bytes.Length)
        {
            throw new ImageDecodeException($"'{path}' is a truncated BMP: {height} rows of {stride} bytes do not fit");
        }

        var colours = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(46));
        var palette = 14 + headerSize;
        if (colours == 0 && bits <= 8)
        {
            colours = 1 << bits;
        }

        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var row = dataOffset + ((topDown ? y : height - 1 - y) * stride);
            for (var x = 0; x < width; x++)
            {
                int b, g, r;
                if (bits >= 24)
                {
                    var at = row + (x * bits / 8);
                    (b, g, r) = (bytes[at], bytes[at + 1], bytes[at + 2]);
                }
                else
                {
                    var bit = x * bits;
                    var index = (bytes[row + (bit / 8)] >> (8 - bits - (bit % 8))) & ((1 << bits) - 1);
                    if (index >= colours || palette + (index * 4) + 2 >= bytes.Length)
                    {
                        throw new ImageDecodeException($"'{path}' has a pixel with palette index {index} outside its {colours} colours");
                    }

                    var entry = palette + (index * 4);
                    (b, g, r) = (bytes[entry], bytes[entry + 1], bytes[entry + 2]);
                }

                var o = ((y * width) + x) * 3;
                (pixels[o], pixels[o + 1], pixels[o + 2]) = ((byte)r, (byte)g, (byte)b);
            }
        }

        return new DecodedImage(width, height, 3, pixels);
    }
}
