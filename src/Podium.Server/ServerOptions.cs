namespace Podium.Server;

/// <summary>How <c>podium serve</c> listens.</summary>
public sealed record ServerOptions
{
    /// <summary>The store: a folder or .db file; null for PODIUM_TRACKING_URI or ./.podium.</summary>
    public string? Store { get; init; }

    /// <summary>Whether a missing store is created (podium serve) rather than refused.</summary>
    public bool CreateStore { get; init; }

    /// <summary>The address to bind; loopback unless told otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; } = 5000;

    /// <summary>When set, every API call must carry <c>Authorization: Bearer TOKEN</c>. Required to bind beyond loopback.</summary>
    public string? Token { get; init; }

    /// <summary>The largest request body accepted, in bytes.</summary>
    public long MaxRequestBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>The largest artifact accepted in one upload, in bytes.</summary>
    public long MaxArtifactBytes { get; init; } = 8L * 1024 * 1024 * 1024;
}
