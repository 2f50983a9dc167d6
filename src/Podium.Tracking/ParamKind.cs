namespace Podium.Tracking;

/// <summary>The type of a param's value.</summary>
public enum ParamKind
{
    /// <summary>A text value.</summary>
    String,

    /// <summary>A number, kept as a double.</summary>
    Number,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A JSON document (object or array), kept compact.</summary>
    Json,
}
