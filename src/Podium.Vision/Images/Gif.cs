namespace Podium.Vision.Images;

/// <summary>
/// The first frame of a GIF the way PIL reads it: as palette indices, so a transparent pixel keeps its palette
/// colour in convert('RGB'), and canvas outside the frame is the transparent index (or index 0). Skia gives such
/// pixels alpha 0 and no colour, so they are filled here from the frame's palette.
/// </summary>
internal static class Gif
{
    public static bool IsGif(ReadOnlySpan<byte> bytes) => bytes.Length >= 6 && (bytes[..6].SequenceEqual("GIF87a"u8) || bytes[..6].SequenceEqual("GIF89a"u8));

    /// <summary>Gives every pixel with alpha 0 the colour PIL gives it, in place.</summary>
    public static void FillTransparent(byte[] gif, byte[] rgba)
    {
        var hasTransparent = false;
        for (var i = 3; i < rgba.Length && !hasTransparent; i += 4)
        {
            hasTransparent = rgba[i] == 0;
        }

        if (!hasTransparent || FirstFrame(gif) is not var (memory, index) || memory.IsEmpty)
        {
            return;
        }

        var palette = memory.Span;
        var at = index * 3;
        var (r, g, b) = at + 2 < palette.Length ? (palette[at], palette[at + 1], palette[at + 2]) : ((byte)0, (byte)0, (byte)0);
        for (var i = 0; i < rgba.Length; i += 4)
        {
            if (rgba[i + 3] == 0)
            {
                (rgba[i], rgba[i + 1], rgba[i + 2]) = (r, g, b);
            }
        }
    }

    /// <summary>The first frame's palette (its own, else the global one) and its transparent index (else 0).</summary>
    private static (ReadOnlyMemory<byte> Palette, int Transparent)? FirstFrame(byte[] gif)
    {
        if (gif.Length < 13)
        {
            return null;
        }

        var at = 13;
        var global = ReadOnlyMemory<byte>.Empty;
        if ((gif[10] & 0x80) != 0)
        {
            global = Slice(gif, at, 3 << ((gif[10] & 7) + 1));
            at += global.Length;
        }

        var transparent = 0;
        while (at < gif.Length)
        {
            switch (gif[at])
            {
                case 0x21 when at + 1 < gif.Length:
                    // Graphic control extension: packed, delay (2), transparent index; bit 0 of packed says it is used.
                    if (gif[at + 1] == 0xF9 && at + 6 < gif.Length && (gif[at + 3] & 1) != 0)
                    {
                        transparent = gif[at + 6];
                    }

                    at += 2;
                    while (at < gif.Length && gif[at] != 0)
                    {
                        at += gif[at] + 1;
                    }

                    at++;
                    break;
                case 0x2C when at + 9 < gif.Length:
                    var packed = gif[at + 9];
                    var local = (packed & 0x80) != 0 ? Slice(gif, at + 10, 3 << ((packed & 7) + 1)) : ReadOnlyMemory<byte>.Empty;
                    return (local.IsEmpty ? global : local, transparent);
                default:
                    return null;
            }
        }

        return null;
    }

    private static ReadOnlyMemory<byte> Slice(byte[] bytes, int start, int length) =>
        start >= bytes.Length ? ReadOnlyMemory<byte>.Empty : bytes.AsMemory(start, Math.Min(length, bytes.Length - start));
}
