namespace Podium.Tracking.Query;

/// <summary>A parsed search: filter, order and limit, plus an optional experiment to search in.</summary>
/// <param name="Filter">The filter tree, or null for every run.</param>
/// <param name="OrderBy">Sort terms, first most significant; NaN, ±Infinity and missing values sort last.</param>
/// <param name="Limit">At most this many runs, or null for all.</param>
/// <param name="Experiment">Only runs of this experiment, or null for all.</param>
/// <param name="Only">Which params and metrics to load into each record, or null for all of them (the filter and order see every one).</param>
public sealed record RunQuery(Expr? Filter, IReadOnlyList<OrderTerm> OrderBy, int? Limit, string? Experiment = null, RunProjection? Only = null)
{
    /// <summary>How many of the ordered matches to skip before the first one returned (a page of a long list); 0 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public int Offset
    {
        get => _offset;
        init => _offset = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Offset), value, "the offset cannot be negative");
    }

    private readonly int _offset;

    /// <summary>Search the trash (runs deleted and not yet purged) instead of the runs in use; false by default.</summary>
    public bool Trash { get; init; }

    /// <summary>Every run, newest first.</summary>
    public static RunQuery All { get; } = new(null, [], null);

    /// <summary>Parses a query such as <c>metrics.acc &gt; 0.8 AND params.opt = 'adam' ORDER BY metrics.acc DESC LIMIT 10 OFFSET 20</c>.</summary>
    /// <exception cref="QueryException">The text is not a valid query; the message names the token and column.</exception>
    public static RunQuery Parse(string? text) => string.IsNullOrWhiteSpace(text) ? All : new Parser(text).ParseQuery();

    /// <summary>Parses a comma-separated list of ORDER BY terms, e.g. <c>metrics.acc DESC, attributes.start_time</c>.</summary>
    public static IReadOnlyList<OrderTerm> ParseOrderBy(string text) => new Parser(text).ParseOrderList();

    /// <summary>Parses one field, e.g. <c>metrics.val_loss.min</c>.</summary>
    public static Field ParseField(string text) => new Parser(text).ParseSingleField();

    /// <summary>
    /// The filters that are given, joined with AND as trees (never as pasted text, which a filter holding
    /// <c>) OR (</c> could widen); null when none is given.
    /// </summary>
    public static Expr? And(params Expr?[] filters) =>
        filters.OfType<Expr>().Aggregate((Expr?)null, (joined, next) => joined is null ? next : new AndExpr(joined, next));

    /// <summary>Either filter: the two joined with OR as a tree.</summary>
    public static Expr Or(Expr left, Expr right) => new OrExpr(left, right);

    /// <summary>The filter, order, limit and offset as query text that parses back to the same query (the experiment is not part of it).</summary>
    public override string ToString() => QueryWriter.Format(this);
}

/// <summary>
/// The params and metrics a search loads into each record; a leaderboard reads a few of a run's many
/// (per-layer gradient norms, per-class scores), and loading only those keeps 10,000-run tables fast.
/// </summary>
/// <param name="Params">Param keys to load.</param>
/// <param name="Metrics">Metric keys to load.</param>
/// <param name="MetricPrefixes">Metric key prefixes to load every key of, e.g. <c>precision/</c>.</param>
public sealed record RunProjection(IReadOnlyCollection<string> Params, IReadOnlyCollection<string> Metrics, IReadOnlyCollection<string> MetricPrefixes)
{
    /// <summary>No params and no metrics.</summary>
    public static RunProjection None { get; } = new([], [], []);

    /// <summary>Everything any of several projections loads.</summary>
    public static RunProjection Union(IEnumerable<RunProjection> projections)
    {
        var all = projections.ToList();
        return new(
            all.SelectMany(p => p.Params).Distinct(StringComparer.Ordinal).ToList(),
            all.SelectMany(p => p.Metrics).Distinct(StringComparer.Ordinal).ToList(),
            all.SelectMany(p => p.MetricPrefixes).Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>One param.</summary>
    public static RunProjection Param(string key) => new([key], [], []);

    /// <summary>One metric.</summary>
    public static RunProjection Metric(string key) => new([], [key], []);

    /// <summary>Every metric whose key starts with a prefix.</summary>
    public static RunProjection MetricsStartingWith(string prefix) => new([], [], [prefix]);
}
