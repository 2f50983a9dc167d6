namespace Podium.Tracking;

/// <summary>A store cannot be opened or used as asked: not a Podium store, a newer schema, a bad path.</summary>
public sealed class StoreException : Exception
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
