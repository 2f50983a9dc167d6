namespace Podium.Tracking;

/// <summary>A param was logged again with a different value; params are immutable once logged.</summary>
public sealed class ParamConflictException : InvalidOperationException
{
    /// <summary>Creates the error for a key, its stored value and the refused one.</summary>
    public ParamConflictException(string key, ParamValue stored, ParamValue refused)
        : base($"param '{key}' is already logged as {Describe(stored)}; refusing to change it to {Describe(refused)}")
    {
        Key = key;
        Stored = stored;
        Refused = refused;
    }

    /// <summary>The param's key.</summary>
    public string Key { get; }

    /// <summary>The value already stored.</summary>
    public ParamValue Stored { get; }

    /// <summary>The value that was refused.</summary>
    public ParamValue Refused { get; }

    private static string Describe(ParamValue value) =>
        value.Kind == ParamKind.String ? $"'{value.Text}'" : $"{value.Text} ({ParamValue.KindName(value.Kind)})";
}
