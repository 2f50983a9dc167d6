namespace Podium.Tracking.Query;

/// <summary>A query that cannot be understood; says which token and where.</summary>
public sealed class QueryException : FormatException
{
    /// <summary>Creates the error for the token at a 1-based column.</summary>
    public QueryException(string problem, int column, string token)
        : base(token.Length == 0
            ? $"query error at column {column} (end of query): {problem}"
            : $"query error at column {column} near '{token}': {problem}")
    {
        Problem = problem;
        Column = column;
        Token = token;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }

    /// <summary>1-based column of the offending token.</summary>
    public int Column { get; }

    /// <summary>The offending token's text, empty at the end of the query.</summary>
    public string Token { get; }
}
