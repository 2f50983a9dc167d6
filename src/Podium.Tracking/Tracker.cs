using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;

namespace Podium.Tracking;

/// <summary>
/// The entry point for recording and ranking runs: opens a store, starts runs, and builds leaderboards.
/// <code>
/// using var tracker = Tracker.Open();
/// using var run = tracker.StartRun("mnist", seed: 42);
/// run.LogParams(new() { ["optimizer"] = "adam", ["batch_size"] = 32 });
/// run.LogMetric("val_loss", 0.31, step: 1);
/// run.End(RunStatus.Finished);
/// </code>
/// </summary>
public sealed class Tracker : IDisposable
{
    private readonly bool _ownsStore;

    private Tracker(ITrackingStore store, TrackerOptions options, bool ownsStore)
    {
        Store = store;
        Options = options;
        _ownsStore = ownsStore;
    }

    /// <summary>The store runs are written to.</summary>
    public ITrackingStore Store { get; }

    /// <summary>The options in force.</summary>
    public TrackerOptions Options { get; }

    /// <summary>Opens the store a location names (null: PODIUM_TRACKING_URI, else ./.podium), creating it when missing.</summary>
    public static Tracker Open(string? location = null, TrackerOptions? options = null) =>
        new(TrackingStores.Open(location), options ?? new TrackerOptions(), ownsStore: true);

    /// <summary>Opens an existing store for reading and ranking; a missing store is a <see cref="StoreException"/>, never a new empty one.</summary>
    public static Tracker OpenExisting(string? location = null, TrackerOptions? options = null) =>
        new(TrackingStores.Open(location, create: false), options ?? new TrackerOptions(), ownsStore: true);

    /// <summary>Uses a store that is already open; the caller keeps ownership of it.</summary>
    public static Tracker Over(ITrackingStore store, TrackerOptions? options = null) =>
        new(store, options ?? new TrackerOptions(), ownsStore: false);

    /// <summary>Starts a run in an experiment (created when new).</summary>
    public Run StartRun(string experiment = "default", string? name = null, long? seed = null, string? parentRunId = null)
    {
        var source = Options.CaptureSource ? RunSource.Capture() : new RunSource(null, null, "");
        var info = Store.CreateRun(new NewRun(experiment, name, seed, parentRunId, source, RunEnvironment.Capture(), Options.Clock.GetUtcNow()));
        return new Run(Store, info, Options);
    }

    /// <summary>Takes up an existing run again — marked running, its end time cleared — to record more in it.</summary>
    /// <exception cref="ArgumentException">No run has that id.</exception>
    public Run ResumeRun(string runId)
    {
        var record = Store.GetRun(runId) ?? throw new ArgumentException($"no run '{runId}'");
        Store.ResumeRun(record.Info.Id);
        return new Run(Store, record.Info with { Status = RunStatus.Running, EndTime = null }, Options);
    }

    /// <summary>Runs matching a query (see <see cref="RunQuery.Parse"/>).</summary>
    public IReadOnlyList<RunRecord> SearchRuns(string? query) => Store.SearchRuns(RunQuery.Parse(query));

    /// <summary>A leaderboard of the runs a query built in code selects, with columns by name.</summary>
    public LeaderboardTable Leaderboard(RunQuery query, IReadOnlyList<string>? columns = null) => LeaderboardTable.Build(Store, query, columns);

    /// <summary>
    /// The ranked table of runs: <paramref name="filter"/> in the query language (it may carry ORDER BY and LIMIT),
    /// <paramref name="orderBy"/> overriding its order, <paramref name="columns"/> naming fields or built-in columns.
    /// </summary>
    public LeaderboardTable Leaderboard(string? filter = null, string? orderBy = null, IReadOnlyList<string>? columns = null, int? limit = null, string? experiment = null, Expr? scope = null) =>
        LeaderboardTable.Build(Store, filter, orderBy, columns, limit, experiment, scope);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsStore)
        {
            Store.Dispose();
        }
    }
}
