namespace Podium.Vision.Images;

/// <summary>A file that cannot be read or decoded as an image; the message names the path and why.</summary>
public sealed class ImageDecodeException(string message, Exception? inner = null) : IOException(message, inner);
