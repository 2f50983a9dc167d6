using System.Runtime.InteropServices;

namespace Podium.Vision.Images;

/// <summary>
/// PNG through libpng's simplified API (libpng 1.6, Debian's libpng16-16): every colour type and bit depth,
/// read as RGBA. 16-bit files are read as 16-bit values and rounded to 8 bits (v / 257), not gamma-converted.
/// </summary>
internal static partial class Png
{
    private const string Library = "libpng16.so.16";
    private const uint ImageVersion = 1;
    private const uint FormatRgba = 3;
    private const uint FlagLinear = 0x04;

    // png_image from png.h (1.6): opaque pointer, version, width, height, format, flags, colormap_entries,
    // warning_or_error, message[64].
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct PngImage
    {
        public nint Opaque;
        public uint Version;
        public uint Width;
        public uint Height;
        public uint Format;
        public uint Flags;
        public uint ColormapEntries;
        public uint WarningOrError;
        public fixed byte Message[64];
    }

    [LibraryImport(Library, EntryPoint = "png_image_begin_read_from_memory")]
    private static unsafe partial int BeginRead(PngImage* image, byte* memory, nuint size);

    [LibraryImport(Library, EntryPoint = "png_image_finish_read")]
    private static unsafe partial int FinishRead(PngImage* image, void* background, byte* buffer, int rowStride, void* colormap);

    [LibraryImport(Library, EntryPoint = "png_image_free")]
    private static unsafe partial void Free(PngImage* image);

    public static bool IsPng(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes[..8].SequenceEqual<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

    /// <summary>Decodes to interleaved RGBA, 8 bits per channel.</summary>
    public static unsafe DecodedImage DecodeRgba(byte[] bytes, string path)
    {
        var image = new PngImage { Version = ImageVersion };
        try
        {
            fixed (byte* memory = bytes)
            {
                if (BeginRead(&image, memory, (nuint)bytes.Length) == 0)
                {
                    throw new ImageDecodeException($"'{path}' is not a readable PNG: {Message(&image)}");
                }

                var sixteen = (image.Format & FlagLinear) != 0;
                image.Format = FormatRgba | (sixteen ? FlagLinear : 0);
                var count = checked((int)image.Width * (int)image.Height * 4);
                var pixels = new byte[count];
                if (sixteen)
                {
                    var wide = new ushort[count];
                    fixed (ushort* buffer = wide)
                    {
                        Finish(&image, (byte*)buffer, path);
                    }

                    for (var i = 0; i < count; i++)
                    {
                        pixels[i] = (byte)((wide[i] + 128) / 257);
                    }
                }
                else
                {
                    fixed (byte* buffer = pixels)
                    {
                        Finish(&image, buffer, path);
                    }
                }

                return new DecodedImage((int)image.Width, (int)image.Height, 4, pixels);
            }
        }
        catch (DllNotFoundException e)
        {
            throw new ImageDecodeException($"cannot decode '{path}': libpng ({Library}) is not installed; apt-get install libpng16-16", e);
        }
        finally
        {
            try
            {
                Free(&image);
            }
            catch (DllNotFoundException)
            {
            }
        }
    }

    private static unsafe void Finish(PngImage* image, byte* buffer, string path)
    {
        if (FinishRead(image, null, buffer, 0, null) == 0)
        {
            throw new ImageDecodeException($"'{path}' is a damaged PNG: {Message(image)}");
        }
    }

    private static unsafe string Message(PngImage* image) => Marshal.PtrToStringAnsi((nint)image->Message) ?? "unknown error";
}
