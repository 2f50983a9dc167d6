using System.Buffers.Binary;
using System.IO.Hashing;

namespace Podium.Vision.Images;

/// <summary>
/// 16-bit greyscale PNGs the way PIL reads them: as 32-bit integers, which convert('RGB') clips to 255 (so 32768 is
/// 255, 200 is 200). Skia reduces 16-bit samples to their high byte, so the file is handed to it relabelled as 8-bit
/// grey+alpha: both layouts have two bytes a pixel and the same filter unit, so the compressed rows are the same and
/// each sample comes back split, high byte as grey and low byte as alpha.
/// </summary>
internal static class PngGray16
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The file relabelled as 8-bit grey+alpha when it is a 16-bit grey PNG, else null.</summary>
    public static byte[]? Split(byte[] png)
    {
        // Signature, then IHDR first: length 13, "IHDR", width, height, bit depth (offset 24), colour type (25).
        if (png.Length < 33 || !png.AsSpan(0, 8).SequenceEqual(Signature) || !png.AsSpan(12, 4).SequenceEqual("IHDR"u8)
            || png[24] != 16 || png[25] != 0)
        {
            return null;
        }

        // Keep IHDR, IDAT and IEND: chunks tied to the colour type (tRNS, sBIT, bKGD) would not fit the new one,
        // and PIL's conversion uses none of them.
        using var output = new MemoryStream(png.Length);
        output.Write(Signature);
        var at = 8;
        while (at + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            if (length < 0 || at + 12L + length > png.Length)
            {
                break; // a damaged or truncated file: Skia names the problem from what was copied
            }

            var type = png.AsSpan(at + 4, 4);
            if (type.SequenceEqual("IHDR"u8))
            {
                var chunk = png.AsSpan(at, 12 + length).ToArray();
                (chunk[16], chunk[17]) = (8, 4);
                BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + length), Crc32.HashToUInt32(chunk.AsSpan(4, 4 + length)));
                output.Write(chunk);
            }
            else if (type.SequenceEqual("IDAT"u8) || type.SequenceEqual("IEND"u8))
            {
                output.Write(png.AsSpan(at, 12 + length));
            }

            at += 12 + length;
        }

        return output.ToArray();
    }

    /// <summary>Turns the split samples (grey = high byte, alpha = low byte) into PIL's clipped values, in place.</summary>
    public static void Clip(byte[] rgba)
    {
        for (var i = 0; i < rgba.Length; i += 4)
        {
            var value = rgba[i] == 0 ? rgba[i + 3] : (byte)255;
            (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = (value, value, value, 255);
        }
    }
}
