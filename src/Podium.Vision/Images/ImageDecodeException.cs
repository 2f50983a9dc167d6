namespace Podium.Vision.Images;

/// <summary>A file that cannot be decoded, or a decoder library that is missing; the message names the path.</summary>
public sealed class ImageDecodeException(string message, Exception? inner = null) : IOException(message, inner);
