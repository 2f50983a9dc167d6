namespace Podium.Tracking;

/// <summary>A store cannot be opened or used as asked: not a Podium store, a newer schema, a bad path.</summary>
public class StoreException : Exception
{
    /// <summary>Creates the error with a one-line message.</summary>
    public StoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a one-line message and its cause.</summary>
    public StoreException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>A write to a store that is open read-only (a read-only file or file system): it can be read, not written.</summary>
public sealed class ReadOnlyStoreException(string message) : StoreException(message);

/// <summary>An artifact path that clashes with artifacts already stored: a file where a folder is needed, or the reverse.</summary>
public sealed class ArtifactConflictException(string message) : IOException(message);
