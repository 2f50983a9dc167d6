namespace Podium.Tracking.Stores;

/// <summary>Checks artifact paths so that none can leave a run's artifact folder.</summary>
internal static class ArtifactPath
{
    /// <summary>Returns the path in canonical form (forward slashes), or throws naming what is wrong.</summary>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            throw new ArgumentException("an artifact path cannot be empty", nameof(path));
        }

        if (path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal) || path.Contains('%', StringComparison.Ordinal))
        {
            throw new ArgumentException($"artifact path '{path}' has a backslash, NUL or '%'; use plain '/'-separated names", nameof(path));
        }

        if (path.StartsWith('/') || (path.Length > 1 && path[1] == ':'))
        {
            throw new ArgumentException($"artifact path '{path}' is absolute; give a path relative to the run", nameof(path));
        }

        var parts = path.Split('/');
        foreach (var part in parts)
        {
            if (part is "" or "." or "..")
            {
                throw new ArgumentException($"artifact path '{path}' has an empty, '.' or '..' part", nameof(path));
            }
        }

        return string.Join('/', parts);
    }
}
