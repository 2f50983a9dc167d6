using System.Runtime.InteropServices;

namespace Podium.Vision.Images;

/// <summary>JPEG (baseline and progressive) through libjpeg-turbo's TurboJPEG API (Debian's libturbojpeg0).</summary>
internal static partial class Jpeg
{
    private const string Library = "libturbojpeg.so.0";
    private const int PixelFormatRgb = 0;

    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    private static partial nint InitDecompress();

    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    private static unsafe partial int DecompressHeader(nint handle, byte* jpeg, nuint size, int* width, int* height, int* subsampling, int* colorspace);

    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    private static unsafe partial int Decompress(nint handle, byte* jpeg, nuint size, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library, EntryPoint = "tjGetErrorStr2")]
    private static partial nint ErrorString(nint handle);

    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    private static partial int Destroy(nint handle);

    public static bool IsJpeg(ReadOnlySpan<byte> bytes) => bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;

    /// <summary>Decodes to interleaved RGB, 8 bits per channel.</summary>
    public static unsafe DecodedImage DecodeRgb(byte[] bytes, string path)
    {
        nint handle;
        try
        {
            handle = InitDecompress();
        }
        catch (DllNotFoundException e)
        {
            throw new ImageDecodeException($"cannot decode '{path}': libturbojpeg ({Library}) is not installed; apt-get install libturbojpeg0", e);
        }

        try
        {
            fixed (byte* jpeg = bytes)
            {
                int width, height, subsampling, colorspace;
                if (DecompressHeader(handle, jpeg, (nuint)bytes.Length, &width, &height, &subsampling, &colorspace) != 0)
                {
                    throw new ImageDecodeException($"'{path}' is not a readable JPEG: {Error(handle)}");
                }

                var pixels = new byte[checked(width * height * 3)];
                fixed (byte* destination = pixels)
                {
                    if (Decompress(handle, jpeg, (nuint)bytes.Length, destination, width, 0, height, PixelFormatRgb, 0) != 0)
                    {
                        throw new ImageDecodeException($"'{path}' is a damaged JPEG: {Error(handle)}");
                    }
                }

                return new DecodedImage(width, height, 3, pixels);
            }
        }
        finally
        {
            Destroy(handle);
        }
    }

    private static string Error(nint handle) => Marshal.PtrToStringAnsi(ErrorString(handle)) ?? "unknown error";
}
