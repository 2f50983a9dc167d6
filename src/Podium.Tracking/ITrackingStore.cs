using Podium.Tracking.Query;

namespace Podium.Tracking;

/// <summary>
/// Where runs are kept. Every store (SQLite, PostgreSQL, a remote server) passes the same
/// contract tests; calls are coarse so that a remote store needs few round trips.
/// </summary>
public interface ITrackingStore : ITrialQueue, IDisposable
{
    /// <summary>A description of the store for messages, e.g. the database path.</summary>
    string Location { get; }

    /// <summary>Every experiment, oldest first.</summary>
    IReadOnlyList<Experiment> ListExperiments();

    /// <summary>Creates a run in the named experiment (creating the experiment when new) with status running.</summary>
    RunInfo CreateRun(NewRun run);

    /// <summary>Logs params, metric points and tags in one transaction: all of it is stored, or none.</summary>
    /// <exception cref="ParamConflictException">A param already has a different value; nothing of the batch is stored.</exception>
    void LogBatch(string runId, RunBatch batch);

    /// <summary>Sets a run's final status and end time.</summary>
    void EndRun(string runId, RunStatus status, DateTimeOffset endTime);

    /// <summary>Sets an ended run back to running, clearing its end time, to record more (a sweep started again).</summary>
    void ResumeRun(string runId);

    /// <summary>Stores a dataset record (or finds the same one) and links it to the run with a role.</summary>
    void LogDataset(string runId, DatasetRecord dataset, string role, string? augmentationsJson);

    /// <summary>Stores the run's network, replacing an earlier record of it.</summary>
    void LogModel(string runId, ModelRecord model);

    /// <summary>Copies content into the run's artifact folder at a relative path and records its size and SHA-256.</summary>
    ArtifactInfo LogArtifact(string runId, string path, Stream content);

    /// <summary>The run's artifacts, by path.</summary>
    IReadOnlyList<ArtifactInfo> ListArtifacts(string runId);

    /// <summary>Opens one artifact for reading.</summary>
    Stream OpenArtifact(string runId, string path);

    /// <summary>A run by id or unique id prefix, or null when none matches.</summary>
    /// <exception cref="ArgumentException">The prefix matches more than one run.</exception>
    RunRecord? GetRun(string runIdOrPrefix);

    /// <summary>A metric's whole series in logging order.</summary>
    IReadOnlyList<MetricPoint> GetMetricHistory(string runId, string key);

    /// <summary>Runs matching a query, in its order, up to its limit.</summary>
    IReadOnlyList<RunRecord> SearchRuns(RunQuery query);

    /// <summary>How many runs match a query's filter, ignoring its limit.</summary>
    long CountRuns(RunQuery query);

    /// <summary>The metric, param and tag keys that some run has, in one experiment or (null) in all, each sorted.</summary>
    RunKeys ListKeys(string? experiment);

    /// <summary>Renames a run, moves it to another experiment (created when new), or both.</summary>
    /// <exception cref="ArgumentException">No run has that id.</exception>
    void UpdateRun(string runId, RunUpdate update);

    /// <summary>Removes a tag from a run; a tag the run does not have is no error.</summary>
    /// <exception cref="ArgumentException">No run has that id.</exception>
    void DeleteTag(string runId, string key);

    /// <summary>
    /// Moves a run to the trash, or back (<paramref name="deleted"/> false). A run in the trash keeps everything it
    /// recorded; searches, counts and key lists leave it out unless the query asks for the trash
    /// (<see cref="RunQuery.Trash"/>); <see cref="GetRun"/> still finds it.
    /// </summary>
    /// <exception cref="ArgumentException">No run has that id.</exception>
    void SetDeleted(string runId, bool deleted);

    /// <summary>Deletes a run in the trash for good: its params, metrics, tags, dataset links, model and artifact files.</summary>
    /// <exception cref="ArgumentException">No run has that id, or it is not in the trash.</exception>
    void PurgeRun(string runId);
}

/// <summary>What to change about a run; null leaves a field as it is.</summary>
/// <param name="Name">A new name.</param>
/// <param name="Experiment">The experiment to move it to, created when new.</param>
public sealed record RunUpdate(string? Name = null, string? Experiment = null);

/// <summary>The keys runs have: what a filter, an order or a column may name.</summary>
/// <param name="Metrics">Metric keys.</param>
/// <param name="Params">Param keys.</param>
/// <param name="Tags">Tag keys.</param>
public sealed record RunKeys(IReadOnlyList<string> Metrics, IReadOnlyList<string> Params, IReadOnlyList<string> Tags);

/// <summary>Params, metric points and tags to store together.</summary>
public sealed class RunBatch
{
    /// <summary>Params to log; each must be new or equal to what is stored.</summary>
    public List<KeyValuePair<string, ParamValue>> Params { get; } = [];

    /// <summary>Metric points as series: by key, in logging order.</summary>
    public MetricBatch Metrics { get; } = new();

    /// <summary>Tags to set; the last write wins.</summary>
    public List<KeyValuePair<string, string>> Tags { get; } = [];

    /// <summary>Whether there is nothing to store.</summary>
    public bool IsEmpty => Params.Count == 0 && Metrics.Count == 0 && Tags.Count == 0;

    /// <summary>Empties the batch so it can be filled again.</summary>
    public void Clear()
    {
        Params.Clear();
        Metrics.Clear();
        Tags.Clear();
    }
}
