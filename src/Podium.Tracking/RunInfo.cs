namespace Podium.Tracking;

/// <summary>A run's attributes: who it is, where it ran, and how it ended.</summary>
/// <param name="Id">32 hex characters; any unique prefix finds it in the CLI.</param>
/// <param name="Name">The user's name for the run.</param>
/// <param name="Experiment">The experiment it belongs to.</param>
/// <param name="Status">Running, finished, failed or killed.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="EndTime">When it ended, or null while running.</param>
/// <param name="Seed">The seed that fixes its randomness, when it has one.</param>
/// <param name="ParentRunId">The sweep run it belongs to, if any.</param>
/// <param name="Source">Git commit, dirty flag and command line.</param>
/// <param name="Environment">OS, CPU, runtime and Podium version.</param>
public sealed record RunInfo(
    string Id,
    string Name,
    string Experiment,
    RunStatus Status,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    long? Seed,
    string? ParentRunId,
    RunSource Source,
    RunEnvironment Environment)
{
    /// <summary>When the run was moved to the trash, or null when it is in use.</summary>
    public DateTimeOffset? TrashedTime { get; init; }

    /// <summary>How long the run took, or has been running when it has not ended.</summary>
    public TimeSpan? Duration => EndTime - StartTime;
}

/// <summary>Everything a leaderboard row or a run page shows about one run.</summary>
/// <param name="Info">Attributes.</param>
/// <param name="Params">Params by key.</param>
/// <param name="Metrics">Metric summaries by key.</param>
/// <param name="Tags">Tags by key.</param>
/// <param name="Datasets">The datasets it used, with their roles.</param>
/// <param name="Model">The network, when one was recorded.</param>
public sealed record RunRecord(
    RunInfo Info,
    IReadOnlyDictionary<string, ParamValue> Params,
    IReadOnlyDictionary<string, MetricSummary> Metrics,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<DatasetUse> Datasets,
    ModelRecord? Model);

/// <summary>What a store needs to create a run.</summary>
/// <param name="Experiment">The experiment's name; created when new.</param>
/// <param name="Name">The run's name; null gives a generated one.</param>
/// <param name="Seed">The seed, when the run has one.</param>
/// <param name="ParentRunId">The parent (sweep) run.</param>
/// <param name="Source">Where the code came from.</param>
/// <param name="Environment">The machine.</param>
/// <param name="StartTime">When it starts.</param>
public sealed record NewRun(
    string Experiment,
    string? Name,
    long? Seed,
    string? ParentRunId,
    RunSource Source,
    RunEnvironment Environment,
    DateTimeOffset StartTime);
