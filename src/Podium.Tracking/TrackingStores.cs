using Podium.Tracking.Stores;

namespace Podium.Tracking;

/// <summary>Opens a store from a location: a folder or .db path (SQLite), postgresql://user@host:port/database (PostgreSQL), or http(s)://host:port (a Podium server).</summary>
public static class TrackingStores
{
    /// <summary>The environment variable that names the default store.</summary>
    public const string UriVariable = "PODIUM_TRACKING_URI";

    /// <summary>The environment variable holding a remote server's token (PODIUM_TOKEN, which podium serve reads, is used when it is unset).</summary>
    public const string TokenVariable = "PODIUM_TRACKING_TOKEN";

    /// <summary>The store used when nothing names one: ./.podium in the working directory.</summary>
    public const string DefaultLocation = ".podium";

    /// <summary>What a null location means: PODIUM_TRACKING_URI when set, else ./.podium.</summary>
    public static string Resolve(string? location) =>
        !string.IsNullOrWhiteSpace(location) ? location
        : Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : DefaultLocation;

    /// <summary>Whether a location names a Podium server (http:// or https://) rather than a local store.</summary>
    public static bool IsServer(string location) =>
        location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the store a location names; with <paramref name="create"/> false, a missing store is an error instead of a new one.</summary>
    /// <exception cref="StoreException">The location is not a store this build can open.</exception>
    public static ITrackingStore Open(string? location = null, bool create = true)
    {
        var resolved = Resolve(location);
        if (resolved.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            resolved = new Uri(resolved).LocalPath;
        }
        else if (IsServer(resolved))
        {
            if (!Uri.TryCreate(resolved, UriKind.Absolute, out var server) || server.Query.Length > 0 || server.Fragment.Length > 0 || server.UserInfo.Length > 0)
            {
                throw new StoreException($"store '{resolved}' is not a server address such as http://127.0.0.1:5000");
            }

            return new HttpStore(server, Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token ? token : Environment.GetEnvironmentVariable("PODIUM_TOKEN"));
        }
        else if (PostgresLocation.Names(resolved))
        {
            return PostgresStore.Open(resolved, create);
        }
        else if (resolved.Contains("://", StringComparison.Ordinal))
        {
            var scheme = resolved[..resolved.IndexOf("://", StringComparison.Ordinal)];
            throw new StoreException($"store '{PostgresLocation.Hide(resolved)}': the {scheme}:// scheme is not one Podium opens; give a folder, a .db file, a postgresql:// database or an http(s):// server");
        }

        return SqliteStore.Open(resolved, create);
    }
}
