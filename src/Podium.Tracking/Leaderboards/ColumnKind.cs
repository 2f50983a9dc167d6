namespace Podium.Tracking.Leaderboards;

/// <summary>How a column's values are typed and shown.</summary>
public enum ColumnKind
{
    /// <summary>Text.</summary>
    Text,

    /// <summary>A floating-point number.</summary>
    Number,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>A duration in seconds.</summary>
    Seconds,
}
