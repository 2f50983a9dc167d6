namespace Podium.Tracking.Query;

/// <summary>
/// What one query may hold. A query past a limit is refused with a <see cref="QueryException"/> naming it (a 400 from
/// the server), before it can exhaust the stack or reach SQLite's own limits (expression depth 1,000, 64 tables in a
/// join, 32,766 parameters, LIKE patterns of 50,000 bytes).
/// </summary>
public static class QueryLimits
{
    /// <summary>Characters of query text, checked before it is read: a 16 MiB request body cannot become millions of tokens.</summary>
    public const int Characters = 1_000_000;

    /// <summary>Levels of parentheses and NOT, counted together.</summary>
    public const int Depth = 256;

    /// <summary>Conditions in one query; each value of an IN list counts as one.</summary>
    public const int Conditions = 10_000;

    /// <summary>Distinct metric, param and tag keys in one query (filter and ORDER BY), each of which is one join.</summary>
    public const int Keys = 60;

    /// <summary>Bytes (UTF-8) of one LIKE or ILIKE pattern: SQLite's own limit.</summary>
    public const int PatternBytes = 50_000;
}
