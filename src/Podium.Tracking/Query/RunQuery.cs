namespace Podium.Tracking.Query;

/// <summary>A parsed search: filter, order and limit, plus an optional experiment to search in.</summary>
/// <param name="Filter">The filter tree, or null for every run.</param>
/// <param name="OrderBy">Sort terms, first most significant; NaN, ±Infinity and missing values sort last.</param>
/// <param name="Limit">At most this many runs, or null for all.</param>
/// <param name="Experiment">Only runs of this experiment, or null for all.</param>
public sealed record RunQuery(Expr? Filter, IReadOnlyList<OrderTerm> OrderBy, int? Limit, string? Experiment = null)
{
    /// <summary>Every run, newest first.</summary>
    public static RunQuery All { get; } = new(null, [], null);

    /// <summary>Parses a query such as <c>metrics.acc &gt; 0.8 AND params.opt = 'adam' ORDER BY metrics.acc DESC LIMIT 10</c>.</summary>
    /// <exception cref="QueryException">The text is not a valid query; the message names the token and column.</exception>
    public static RunQuery Parse(string? text) => string.IsNullOrWhiteSpace(text) ? All : new Parser(text).ParseQuery();

    /// <summary>Parses a comma-separated list of ORDER BY terms, e.g. <c>metrics.acc DESC, attributes.start_time</c>.</summary>
    public static IReadOnlyList<OrderTerm> ParseOrderBy(string text) => new Parser(text).ParseOrderList();

    /// <summary>Parses one field, e.g. <c>metrics.val_loss.min</c>.</summary>
    public static Field ParseField(string text) => new Parser(text).ParseSingleField();

    /// <summary>The filter, order and limit as query text that parses back to the same query (the experiment is not part of it).</summary>
    public override string ToString() => QueryText.Format(this);
}
