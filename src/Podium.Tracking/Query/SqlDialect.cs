namespace Podium.Tracking.Query;

/// <summary>The few places where SQLite and PostgreSQL spell a query differently.</summary>
internal abstract class SqlDialect
{
    /// <summary>Case-insensitive LIKE.</summary>
    public abstract string ILike(string column, string parameter, bool negated);

    /// <summary>A number cast so that comparisons are numeric.</summary>
    public virtual string Real(string parameter) => parameter;
}

/// <summary>
/// SQLite: LIKE is made case-sensitive on every connection (PRAGMA case_sensitive_like); ILIKE is LIKE over both sides
/// in Unicode lower case, by podium_lower, which the store adds to each connection.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static SqliteDialect Instance { get; } = new();

    public override string ILike(string column, string parameter, bool negated) =>
        $"podium_lower({column}) {(negated ? "NOT LIKE" : "LIKE")} podium_lower({parameter})";
}
