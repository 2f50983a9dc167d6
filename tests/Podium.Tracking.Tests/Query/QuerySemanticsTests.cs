using Podium.Tests;
using Podium.Tracking.Query;
using Podium.Tracking.Tests.Stores;
using Xunit;

namespace Podium.Tracking.Tests.Query;

/// <summary>
/// What queries mean, checked on real stores with runs whose answers are known by construction: every store kind
/// derives a class from this and must give the same answers on the same data.
/// </summary>
public abstract class QuerySemanticsTests<TFactory> : IDisposable
    where TFactory : IStoreFactory, new()
{
    private readonly TempFolder _folder = new();
    private readonly TFactory _factory = new();
    private readonly Tracker _tracker;

    protected QuerySemanticsTests()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        _tracker = Tracker.Over(_factory.Create(_folder), new TrackerOptions { Clock = clock, CaptureSource = false });
        var art = Data("art_data", "a");
        var shapes = Data("shapes", "b");
        //        name    acc    optimizer  batch  lr      stage   data    params     status
        Add(clock, "r1", 0.91, "adam", 32, 0.001, "prod", art, 900_000, RunStatus.Finished);
        Add(clock, "r2", 0.85, "sgd", 64, 0.01, "dev", art, 14_000_000, RunStatus.Finished);
        Add(clock, "r3", 0.78, "Adam", 16, 0.001, null, shapes, 900_000, RunStatus.Failed);
        Add(clock, "r4", double.NaN, "adagrad", 128, 0.1, "dev", shapes, null, RunStatus.Finished);
        Add(clock, "r5", null, "adam", 8, 0.0001, "prod", null, 900_000, RunStatus.Running);
    }

    protected TempFolder Folder => _folder;

    protected Tracker Tracker => _tracker;

    public void Dispose()
    {
        _tracker.Dispose();
        (_factory as IDisposable)?.Dispose();
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }

    private static DatasetRecord Data(string name, string fill) => new(
        name, new string(fill[0], 64), new Dictionary<string, SplitShape> { ["train"] = new([10, 1, 8, 8], [10]) }, ["x", "y", "z"], "test");

    private void Add(ManualClock clock, string name, double? accuracy, string optimizer, int batch, double lr, string? stage,
        DatasetRecord? data, long? parameters, RunStatus status)
    {
        clock.Advance(TimeSpan.FromMinutes(1));
        var run = _tracker.StartRun("q", name);
        run.LogParams(new Dictionary<string, object> { ["optimizer"] = optimizer, ["batch_size"] = batch, ["lr"] = lr });
        if (accuracy is { } a)
        {
            run.LogMetric("val_accuracy", a);
        }

        if (stage is not null)
        {
            run.SetTag("stage", stage);
        }

        // Text beyond ASCII, for ILIKE's Unicode case folding.
        var note = name switch { "r1" => "école d'été", "r2" => "École d'Été", "r3" => "Straße", _ => null };
        if (note is not null)
        {
            run.SetTag("note", note);
        }

        if (data is not null)
        {
            run.LogDataset(data, "train");
        }

        if (parameters is { } p)
        {
            run.LogModel(new ModelRecord("m", "{}", p, p, p * 4, "digraph {}"));
        }

        clock.Advance(TimeSpan.FromSeconds(name[1] - '0'));
        if (status == RunStatus.Running)
        {
            run.Flush();
        }
        else
        {
            run.End(status);
        }
    }

    private string[] Names(string query) =>
        _tracker.SearchRuns(query).Select(r => r.Info.Name).Order(StringComparer.Ordinal).ToArray();

    private string[] Ordered(string query) => _tracker.SearchRuns(query).Select(r => r.Info.Name).ToArray();

    [Theory]
    [InlineData("metrics.val_accuracy > 0.8", "r1 r2")]
    [InlineData("metrics.val_accuracy <= 0.85", "r2 r3")]
    [InlineData("metrics.val_accuracy != 0.85", "r1 r3")]
    [InlineData("params.optimizer = 'adam'", "r1 r5")]
    [InlineData("params.optimizer ILIKE 'adam'", "r1 r3 r5")]
    [InlineData("tags.note ILIKE 'école%'", "r1 r2")]
    [InlineData("tags.note ILIKE '%ÉTÉ'", "r1 r2")]
    [InlineData("tags.note ILIKE 'STRAßE'", "r3")]
    [InlineData("tags.note NOT ILIKE 'ÉCOLE%'", "r3")]
    [InlineData("tags.note LIKE 'école%'", "r1")]
    [InlineData("params.optimizer LIKE 'ada%'", "r1 r4 r5")]
    [InlineData("params.optimizer NOT LIKE 'ada%'", "r2 r3")]
    [InlineData("params.batch_size >= 64", "r2 r4")]
    [InlineData("params.batch_size = 32", "r1")]
    [InlineData("params.lr < 0.005", "r1 r3 r5")]
    [InlineData("params.optimizer IN ('sgd', 'adagrad')", "r2 r4")]
    [InlineData("params.optimizer NOT IN ('sgd', 'adagrad')", "r1 r3 r5")]
    [InlineData("tags.stage = 'prod'", "r1 r5")]
    [InlineData("tags.stage IS NULL", "r3")]
    [InlineData("tags.stage != 'dev'", "r1 r5")]
    [InlineData("metrics.val_accuracy IS NULL", "r5")]
    [InlineData("metrics.val_accuracy IS NOT NULL", "r1 r2 r3 r4")]
    [InlineData("attributes.status = 'finished'", "r1 r2 r4")]
    [InlineData("attributes.status != 'finished'", "r3 r5")]
    [InlineData("attributes.status = 'FINISHED'", "r1 r2 r4")]
    [InlineData("attributes.status IN ('Failed', 'RUNNING')", "r3 r5")]
    [InlineData("attributes.run_name LIKE 'r%' AND attributes.duration >= 3", "r3 r4")]
    [InlineData("dataset.name = 'art_data'", "r1 r2")]
    [InlineData("dataset.name != 'art_data'", "r3 r4 r5")]
    [InlineData("dataset.fingerprint = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'", "r3 r4")]
    [InlineData("dataset.classes = 3 AND dataset.role = 'train'", "r1 r2 r3 r4")]
    [InlineData("model.params > 1000000", "r2")]
    [InlineData("model.params IS NULL", "r4")]
    [InlineData("metrics.val_accuracy > 0.9 OR params.optimizer = 'sgd' AND tags.stage = 'dev'", "r1 r2")]
    [InlineData("(metrics.val_accuracy > 0.9 OR params.optimizer = 'sgd') AND tags.stage = 'dev'", "r2")]
    [InlineData("NOT metrics.val_accuracy > 0.8", "r3 r4 r5")]
    [InlineData("NOT (tags.stage = 'dev' OR tags.stage = 'prod')", "r3")]
    [InlineData("attributes.experiment = 'q' AND attributes.seed IS NULL", "r1 r2 r3 r4 r5")]
    [InlineData("attributes.start_time > '2026-02-01T00:02:30Z'", "r3 r4 r5")]
    [InlineData("attributes.end_time IS NULL", "r5")]
    public void Filters_select_exactly_the_runs_they_describe(string query, string expected)
    {
        Assert.Equal(expected.Split(' '), Names(query));
    }

    /// <summary>Queries at the limits of <see cref="QueryLimits"/>, built by repetition, by name.</summary>
    private static string Large(string name) => name switch
    {
        "2,000 ANDs" => string.Join(" AND ", Enumerable.Range(0, 2000).Select(i => $"params.optimizer != 'x{i}'")) + " AND params.optimizer = 'adam'",
        "2,000 ORs" => string.Join(" OR ", Enumerable.Range(0, 2000).Select(i => $"params.optimizer = 'x{i}'")) + " OR params.optimizer = 'adam'",
        "an IN list of 9,999" => "params.optimizer IN (" + string.Join(", ", Enumerable.Range(0, 9998).Select(i => $"'x{i}'")) + ", 'adam')",
        "256 parentheses" => new string('(', 256) + "params.optimizer = 'adam'" + new string(')', 256),
        "256 NOTs" => string.Concat(Enumerable.Repeat("NOT ", 256)) + "params.optimizer = 'adam'",
        "128 NOT (…) levels" => string.Concat(Enumerable.Repeat("NOT (", 128)) + "params.optimizer = 'adam'" + new string(')', 128),
        "60 keys" => "params.optimizer = 'adam'" + string.Concat(Enumerable.Range(1, 59).Select(i => $" AND tags.k{i} IS NULL")),
        "a 50,000-byte pattern" => "params.optimizer LIKE 'ada" + new string('%', 50_000 - 3) + "' AND params.optimizer != 'adagrad'",
        "257 parentheses" => new string('(', 257) + "params.optimizer = 'adam'" + new string(')', 257),
        "100,000 parentheses" => new string('(', 100_000) + "params.optimizer = 'adam'" + new string(')', 100_000),
        "30,000 NOTs" => string.Concat(Enumerable.Repeat("NOT ", 30_000)) + "params.optimizer = 'adam'",
        "10,001 conditions" => "params.optimizer IN (" + string.Join(", ", Enumerable.Range(0, 10_000).Select(i => $"'x{i}'")) + ") OR params.optimizer = 'adam'",
        "61 keys" => "params.optimizer = 'adam'" + string.Concat(Enumerable.Range(1, 60).Select(i => $" AND tags.k{i} IS NULL")),
        "a 50,001-byte pattern" => "params.optimizer LIKE 'ada" + new string('%', 50_001 - 3) + "'",
        "1,000,001 characters" => "params.optimizer = '" + new string('a', 1_000_001 - 21) + "'",
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("2,000 ANDs")]
    [InlineData("2,000 ORs")]
    [InlineData("an IN list of 9,999")]
    [InlineData("256 parentheses")]
    [InlineData("256 NOTs")]
    [InlineData("128 NOT (…) levels")]
    [InlineData("60 keys")]
    [InlineData("a 50,000-byte pattern")]
    public void A_query_at_the_limits_selects_what_its_short_form_does(string name)
    {
        Assert.Equal(["r1", "r5"], Names(Large(name)));
    }

    [Theory]
    [InlineData("257 parentheses", "nesting deeper than 256 levels of parentheses and NOT")]
    [InlineData("100,000 parentheses", "nesting deeper than 256 levels of parentheses and NOT")]
    [InlineData("30,000 NOTs", "nesting deeper than 256 levels of parentheses and NOT")]
    [InlineData("10,001 conditions", "more than 10,000 conditions (each IN value counts as one)")]
    [InlineData("61 keys", "more than 60 distinct metric, param and tag keys in one query")]
    [InlineData("a 50,001-byte pattern", "a LIKE pattern may be at most 50,000 bytes")]
    [InlineData("1,000,001 characters", "a query may be at most 1,000,000 characters, not 1,000,001")]
    public void A_query_past_a_limit_is_refused_with_the_limit_named(string name, string problem)
    {
        var error = Assert.Throws<QueryException>(() => Names(Large(name)));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Equal(problem, error.Problem[..problem.Length]);
    }

    [Fact]
    public void A_query_built_as_a_tree_selects_what_its_text_does_and_a_value_is_never_read_as_query()
    {
        // Given the same query built in code and written as text
        var built = new RunQuery(
            RunQuery.And(Field.Param("optimizer").Is("adam"), Field.Attribute("status").Is(RunStatus.Finished), Field.Param("batch_size").Is(32)),
            [Field.Metric("val_accuracy").Descending()],
            null);
        var hostile = new RunQuery(Field.Tag("stage").Is("dev' OR tags.stage != 'x"), [], null);

        // Then they select the same runs, and a value holding query text matches only itself
        Assert.Equal(Ordered("params.optimizer = 'adam' AND attributes.status = 'finished' AND params.batch_size = 32 ORDER BY metrics.val_accuracy DESC"),
            _tracker.Store.SearchRuns(built).Select(r => r.Info.Name));
        Assert.Equal(["r1"], _tracker.Store.SearchRuns(built).Select(r => r.Info.Name));
        Assert.Empty(_tracker.Store.SearchRuns(hostile));
    }

    [Fact]
    public void Order_by_a_number_param_is_numeric_not_textual()
    {
        Assert.Equal(["r5", "r3", "r1", "r2", "r4"], Ordered("ORDER BY params.batch_size ASC"));
    }

    [Fact]
    public void Default_order_is_newest_first()
    {
        Assert.Equal(["r5", "r4", "r3", "r2", "r1"], Ordered(""));
    }

    [Fact]
    public void Ties_break_newest_first()
    {
        Assert.Equal(["r5", "r3", "r1", "r2", "r4"], Ordered("ORDER BY model.params ASC"));
    }

    [Fact]
    public void Experiment_restricts_the_search()
    {
        _tracker.StartRun("other", "elsewhere").End();

        Assert.Equal(5, _tracker.Store.CountRuns(RunQuery.All with { Experiment = "q" }));
        Assert.Equal(6, _tracker.Store.CountRuns(RunQuery.All));
    }

    [Theory]
    [MemberData(nameof(Injections))]
    public void Injection_attempts_match_nothing_or_fail_and_change_nothing(string query)
    {
        var before = Everything(_tracker.Store);

        try
        {
            Assert.Empty(_tracker.Store.SearchRuns(RunQuery.Parse(query)));
        }
        catch (QueryException e)
        {
            Assert.StartsWith("query error at column", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, Everything(_tracker.Store));
        Assert.Equal(5, _tracker.Store.CountRuns(RunQuery.All));
    }

    public static TheoryData<string> Injections() =>
    [
        "params.optimizer = 'adam''; DROP TABLE runs; --'",
        "params.`optimizer'; DELETE FROM params; --` = 'x'",
        "tags.stage = '' OR 1=1 --'",
        "metrics.val_accuracy = 0 OR 1=1",
        "metrics.val_accuracy > 0; UPDATE runs SET status = 'failed'",
        "attributes.status = 'finished\" OR \"1\"=\"1'",
    ];

    /// <summary>Every record of the store as text, to see that nothing changed.</summary>
    private static string Everything(ITrackingStore store) =>
        System.Text.Json.JsonSerializer.Serialize(store.SearchRuns(RunQuery.All), TrackingJson.Options);
}

public sealed class SqliteQuerySemanticsTests : QuerySemanticsTests<SqliteStoreFactory>
{
    [Theory]
    [MemberData(nameof(Injections))]
    public void Injection_attempts_leave_the_database_file_as_it_was(string query)
    {
        Tracker.Store.Dispose();
        var database = Path.Combine(Folder.File("store"), "podium.db");
        var before = StoreDump.Of(database);
        using var store = TrackingStores.Open(Folder.File("store"));

        try
        {
            Assert.Empty(store.SearchRuns(RunQuery.Parse(query)));
        }
        catch (QueryException e)
        {
            Assert.StartsWith("query error at column", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, StoreDump.Of(database));
    }
}

public sealed class PostgresQuerySemanticsTests : QuerySemanticsTests<PostgresStoreFactory>;
