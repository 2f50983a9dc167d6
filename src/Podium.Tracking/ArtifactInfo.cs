namespace Podium.Tracking;

/// <summary>A file stored with a run.</summary>
/// <param name="Path">Its path relative to the run's artifact folder, with '/' separators.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content, lower-case hex.</param>
public sealed record ArtifactInfo(string Path, long Size, string Sha256);
