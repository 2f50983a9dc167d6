namespace Podium.Tracking.Query;

/// <summary>The few places where SQLite and PostgreSQL spell a query differently.</summary>
internal abstract class SqlDialect
{
    /// <summary>Case-sensitive LIKE, with no escape character: '%' and '_' are the only special characters.</summary>
    public abstract string Like(string column, string parameter, bool negated);

    /// <summary>Case-insensitive LIKE, folding case by Unicode's rules, with no escape character.</summary>
    public abstract string ILike(string column, string parameter, bool negated);

    /// <summary>What stands for "no limit" before an OFFSET.</summary>
    public abstract string NoLimit { get; }
}

/// <summary>
/// SQLite: LIKE is made case-sensitive on every connection (PRAGMA case_sensitive_like); ILIKE is LIKE over both sides
/// in Unicode lower case, by podium_lower, which the store adds to each connection.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static SqliteDialect Instance { get; } = new();

    public override string Like(string column, string parameter, bool negated) =>
        $"{column} {(negated ? "NOT LIKE" : "LIKE")} {parameter}";

    public override string ILike(string column, string parameter, bool negated) =>
        $"podium_lower({column}) {(negated ? "NOT LIKE" : "LIKE")} podium_lower({parameter})";

    public override string NoLimit => "LIMIT -1";
}

/// <summary>
/// PostgreSQL: LIKE escapes with a backslash unless told otherwise (SQLite's has no escape), and lower() folds case
/// by the database's locale, which may be C; ICU's root locale folds by Unicode's rules wherever the server has ICU.
/// </summary>
internal sealed class PostgresDialect(bool icu) : SqlDialect
{
    public override string Like(string column, string parameter, bool negated) =>
        $"{column} {(negated ? "NOT LIKE" : "LIKE")} {parameter} ESCAPE ''";

    public override string ILike(string column, string parameter, bool negated) => icu
        ? $"lower({column} COLLATE \"und-x-icu\") {(negated ? "NOT LIKE" : "LIKE")} lower({parameter} COLLATE \"und-x-icu\") ESCAPE ''"
        : $"{column} {(negated ? "NOT ILIKE" : "ILIKE")} {parameter} ESCAPE ''";

    public override string NoLimit => "LIMIT ALL";
}
