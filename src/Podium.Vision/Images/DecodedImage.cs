namespace Podium.Vision.Images;

/// <summary>Decoded 8-bit pixels, interleaved (height, width, channels), channels 1 (gray) or 3 (RGB).</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">1 or 3.</param>
/// <param name="Pixels">height · width · channels bytes, row by row.</param>
public sealed record DecodedImage(int Width, int Height, int Channels, byte[] Pixels);
