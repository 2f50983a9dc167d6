using Podium.Tracking.Stores;

namespace Podium.Tracking;

/// <summary>Opens a store from a location: a folder or .db path (SQLite); later postgresql:// and http(s)://.</summary>
public static class TrackingStores
{
    /// <summary>The environment variable that names the default store.</summary>
    public const string UriVariable = "PODIUM_TRACKING_URI";

    /// <summary>The store used when nothing names one: ./.podium in the working directory.</summary>
    public const string DefaultLocation = ".podium";

    /// <summary>What a null location means: PODIUM_TRACKING_URI when set, else ./.podium.</summary>
    public static string Resolve(string? location) =>
        !string.IsNullOrWhiteSpace(location) ? location
        : Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : DefaultLocation;

    /// <summary>Opens the store a location names; with <paramref name="create"/> false, a missing store is an error instead of a new one.</summary>
    /// <exception cref="StoreException">The location is not a store this build can open.</exception>
    public static ITrackingStore Open(string? location = null, bool create = true)
    {
        var resolved = Resolve(location);
        if (resolved.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            resolved = new Uri(resolved).LocalPath;
        }
        else if (resolved.Contains("://", StringComparison.Ordinal))
        {
            var scheme = resolved[..resolved.IndexOf("://", StringComparison.Ordinal)];
            throw new StoreException($"store '{resolved}': the {scheme}:// scheme is not supported by this build; give a folder or a .db file");
        }

        return SqliteStore.Open(resolved, create);
    }
}
