namespace Podium.Tracking.Query;

/// <summary>A query that cannot be understood; says which token and where.</summary>
public sealed class QueryException : FormatException
{
    /// <summary>Creates the error for the token at a 1-based column. The message quotes the token and the problem on one line: line
    /// breaks and other invisible characters are escaped, and a long token is cut.</summary>
    public QueryException(string problem, int column, string token)
        : base(token.Length == 0
            ? $"query error at column {column} (end of query): {UserText.OneLine(problem, 500)}"
            : $"query error at column {column} near '{UserText.OneLine(token, 60)}': {UserText.OneLine(problem, 500)}")
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
