using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Tracking.Leaderboards;

/// <summary>A ranked table of runs: the columns, one row of values per run, and the runs themselves.</summary>
public sealed class LeaderboardTable
{
    /// <summary>The order when none is given: best validation accuracy first.</summary>
    public static OrderTerm DefaultOrder { get; } = Field.Metric(RunMetrics.ValAccuracy).Descending();

    /// <summary>
    /// A scope for <see cref="Build(ITrackingStore, string?, string?, IReadOnlyList{string}?, int?, string?, Expr?, int)"/>: runs
    /// outside sweeps (neither a sweep's own run nor a trial), and each sweep's best trial (tagged by the sweep when it ends).
    /// </summary>
    public static Expr BestOfSweep { get; } = RunQuery.Or(
        RunQuery.And(Field.Tag(RunTags.Sweep).IsNull(), Field.Tag(RunTags.SweepKey).IsNull())!,
        Field.Tag(RunTags.SweepBest).Is("true"));

    /// <summary>
    /// The runs a leaderboard ranks unless asked otherwise: runs in <paramref name="status"/> (finished by default; null
    /// for every status), never a sweep's own run (it has no scores of its own), and no reproduction unless
    /// <paramref name="reproductions"/> (it would rank beside the run it repeats, with the same scores).
    /// </summary>
    public static Expr Ranked(RunStatus? status = RunStatus.Finished, bool reproductions = false) => RunQuery.And(
        Field.Tag(RunTags.Sweep).IsNull(),
        status is { } only ? Field.Attribute("status").Is(only) : null,
        reproductions ? null : Field.Tag(RunTags.Reproduces).IsNull())!;

    /// <summary>
    /// What <see cref="Ranked"/> takes for a query by default: finished runs, unless the filter names
    /// <c>attributes.status</c> (then it decides the status itself); reproductions only when it names
    /// <c>tags.podium.reproduces</c>.
    /// </summary>
    public static (RunStatus? Status, bool Reproductions) RankedDefaults(RunQuery query)
    {
        var named = KeyCheck.Fields(query).ToList();
        return (
            named.Any(f => f is { Kind: FieldKind.Attribute, Key: "status" }) ? null : RunStatus.Finished,
            named.Any(f => f is { Kind: FieldKind.Tag, Key: RunTags.Reproduces }));
    }

    /// <summary>The default scope for a filter: <see cref="Ranked"/> with <see cref="RankedDefaults"/>.</summary>
    public static Expr RankedFor(string? filter)
    {
        var (status, reproductions) = RankedDefaults(RunQuery.Parse(filter));
        return Ranked(status, reproductions);
    }

    private readonly Lazy<long> _matching;

    private LeaderboardTable(string query, string asked, IReadOnlyList<LeaderboardColumn> columns, IReadOnlyList<RunRecord> runs, int offset, Func<long> matching, IReadOnlyDictionary<string, int>? ranks = null)
    {
        Offset = offset;
        Query = query;
        Asked = asked;
        Columns = columns;
        Runs = runs;
        _matching = new Lazy<long>(matching);
        Rows = runs.Select((run, i) => columns.Select(c => c.Read(run, ranks is not null && ranks.TryGetValue(run.Info.Id, out var rank) ? rank : offset + i + 1)).ToArray()).ToList();
    }

    /// <summary>The query the table answers, in one line.</summary>
    public string Query { get; }

    /// <summary>The query as it was asked, without the scope it ran in (e.g. finished runs only): what a footer repeats back.</summary>
    public string Asked { get; }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<LeaderboardColumn> Columns { get; }

    /// <summary>How many ranked runs come before the first row (a page further down the table); the first row's rank is this plus one.</summary>
    public int Offset { get; }

    /// <summary>The ranked runs, each loaded with only the params and metrics the columns read.</summary>
    public IReadOnlyList<RunRecord> Runs { get; }

    /// <summary>Cell values (string, double, long, <see cref="PerClassValues"/>, a JSON element or null), one array per run, aligned with <see cref="Columns"/>.</summary>
    public IReadOnlyList<object?[]> Rows { get; }

    /// <summary>Whether a column holds numbers (right-aligned for people): a numeric kind, or a param every run logged as a number.</summary>
    public bool IsNumeric(int column) =>
        Columns[column].Kind != ColumnKind.Text
        || (Rows.Any(r => r[column] is not null) && Rows.All(r => r[column] is null or double or long));

    /// <summary>How many runs match the filter, ignoring the limit and offset; counted on first use, since it visits every match.</summary>
    public long Matching => _matching.Value;

    /// <summary>Builds the table: filter and order in the query language, columns by name (default: all of <see cref="LeaderboardColumn.DefaultNames"/>).</summary>
    /// <exception cref="QueryException">The filter, order or a column name is not valid.</exception>
    /// <remarks>
    /// <paramref name="scope"/>, a filter too, narrows the runs whatever <paramref name="filter"/> says (e.g. the best-of-sweep view).
    /// <paramref name="offset"/> skips that many ranked runs, so a long table is read a page at a time.
    /// </remarks>
    /// <remarks>
    /// <paramref name="orderBy"/> sorts the view; the rank stays the place in the filter's own order (its ORDER BY, or
    /// the default ranking), so after an ascending sort the worst run shows its rank, not 1.
    /// </remarks>
    public static LeaderboardTable Build(ITrackingStore store, string? filter, string? orderBy, IReadOnlyList<string>? columns, int? limit, string? experiment, Expr? scope = null, int offset = 0)
    {
        if (limit is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "the limit must be at least 1");
        }

        var query = RunQuery.Parse(filter);
        // The scope and the user's filter are joined as trees, so nothing in the filter's text can widen the scope.
        // RunQuery refuses a negative offset.
        var asked = query with
        {
            OrderBy = !string.IsNullOrWhiteSpace(orderBy) ? RunQuery.ParseOrderBy(orderBy) : query.OrderBy.Count > 0 ? query.OrderBy : [DefaultOrder],
            Limit = limit ?? query.Limit,
            Offset = offset != 0 ? offset : query.Offset,
            Experiment = experiment,
        };
        var scoped = asked with { Filter = RunQuery.And(scope, query.Filter) };
        var ranking = query.OrderBy.Count > 0 ? query.OrderBy : [DefaultOrder];
        IReadOnlyDictionary<string, int>? ranks = null;
        if (!string.IsNullOrWhiteSpace(orderBy) && !scoped.OrderBy.SequenceEqual(ranking))
        {
            // Every match's place in the ranking order: ids only, so it stays cheap on a long table.
            ranks = store.SearchRuns(scoped with { OrderBy = ranking, Limit = null, Offset = 0, Only = RunProjection.None })
                .Select((run, i) => (run.Info.Id, Rank: i + 1))
                .ToDictionary(x => x.Id, x => x.Rank, StringComparer.Ordinal);
        }

        return Build(store, scoped, columns, asked.ToString(), ranks);
    }

    /// <summary>
    /// Builds the table for a query: its filter, order (the default order when it has none), limit, offset and
    /// experiment, with columns by name (default: all of <see cref="LeaderboardColumn.DefaultNames"/>). Code that
    /// selects runs builds the query as a tree (<see cref="Field.Is"/>, <see cref="RunQuery.And"/>), never as text.
    /// </summary>
    /// <exception cref="QueryException">A column name is not valid.</exception>
    public static LeaderboardTable Build(ITrackingStore store, RunQuery query, IReadOnlyList<string>? columns = null) =>
        Build(store, query, columns, asked: null, ranks: null);

    /// <summary>Builds the table; <paramref name="asked"/> is the query as the user asked it (null: the whole query).</summary>
    private static LeaderboardTable Build(ITrackingStore store, RunQuery query, IReadOnlyList<string>? columns, string? asked, IReadOnlyDictionary<string, int>? ranks)
    {
        var resolved = (columns is { Count: > 0 } ? columns : LeaderboardColumn.DefaultNames).Select(LeaderboardColumn.Resolve).ToList();
        query = query with
        {
            OrderBy = query.OrderBy.Count > 0 ? query.OrderBy : [DefaultOrder],
            Only = RunProjection.Union(resolved.Select(c => c.Reads)),
        };
        var runs = store.SearchRuns(query);
        var counted = query;
        // A page that ends short of its limit ends the list, so the matches are counted without asking the store again.
        Func<long> matching = (query.Limit is null || runs.Count < query.Limit) && (runs.Count > 0 || query.Offset == 0)
            ? () => counted.Offset + runs.Count
            : () => store.CountRuns(counted);
        // The whole query as the query language writes it: what ran, scope included.
        return new LeaderboardTable(query.ToString(), asked ?? query.ToString(), resolved, runs, query.Offset, matching, ranks);
    }

    /// <summary>Writes the table in a format: csv, json, md (Markdown) or html.</summary>
    public void Write(TextWriter writer, LeaderboardFormatKind format, string title = "Podium leaderboard")
    {
        switch (format)
        {
            case LeaderboardFormatKind.Csv:
                LeaderboardWriters.Csv(this, writer);
                break;
            case LeaderboardFormatKind.Json:
                LeaderboardWriters.Json(this, writer);
                break;
            case LeaderboardFormatKind.Markdown:
                LeaderboardWriters.Markdown(this, writer);
                break;
            case LeaderboardFormatKind.Html:
                LeaderboardWriters.Html(this, writer, title);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "write terminal tables with the CLI");
        }
    }

    /// <summary>The table as CSV (RFC 4180).</summary>
    public string ToCsv() => Render(LeaderboardFormatKind.Csv);

    /// <summary>The table as JSON; indented for reading, or compact for sending.</summary>
    public string ToJson(bool indented = true)
    {
        using var writer = new StringWriter();
        LeaderboardWriters.Json(this, writer, indented);
        return writer.ToString();
    }

    /// <summary>The table as a Markdown pipe table.</summary>
    public string ToMarkdown() => Render(LeaderboardFormatKind.Markdown);

    /// <summary>The table as one self-contained HTML page.</summary>
    public string ToHtml(string title = "Podium leaderboard")
    {
        using var writer = new StringWriter();
        Write(writer, LeaderboardFormatKind.Html, title);
        return writer.ToString();
    }

    private string Render(LeaderboardFormatKind format)
    {
        using var writer = new StringWriter();
        Write(writer, format);
        return writer.ToString();
    }
}

/// <summary>The file formats a leaderboard is written in.</summary>
public enum LeaderboardFormatKind
{
    /// <summary>A terminal table (the CLI's).</summary>
    Table,

    /// <summary>Comma-separated values.</summary>
    Csv,

    /// <summary>JSON.</summary>
    Json,

    /// <summary>A Markdown pipe table.</summary>
    Markdown,

    /// <summary>One self-contained HTML page.</summary>
    Html,
}
