namespace Podium.Tracking.Schema;

/// <summary>
/// The tags Podium itself sets on runs, all under the <c>podium.</c> prefix so they never collide with a user's tags
/// (MLflow keeps its own under <c>mlflow.</c>). Stores written before the prefix are renamed when opened (schema
/// version 2): see <see cref="Renamed"/>.
/// </summary>
public static class RunTags
{
    /// <summary>The prefix of every tag Podium sets; a user's tags should not start with it.</summary>
    public const string Prefix = "podium.";

    /// <summary>On a sweep's own run: the sweep's key (a hash of its spec), so starting the same sweep again resumes it.</summary>
    public const string Sweep = "podium.sweep";

    /// <summary>On a trial: the key of the sweep it belongs to.</summary>
    public const string SweepKey = "podium.sweep.key";

    /// <summary>On a trial: "true" for the best trial of its sweep's last round, else "false".</summary>
    public const string SweepBest = "podium.sweep.best";

    /// <summary>On a trial: its index among the sweep's candidates (from 0).</summary>
    public const string SweepTrial = "podium.sweep.trial";

    /// <summary>On a sweep's run: what its workers need to know of it, as JSON (metric, goal, halving rounds, attempts).</summary>
    public const string SweepPlan = "podium.sweep.plan";

    /// <summary>On a sweep's run: each swept param's scale as JSON ({"learning_rate": "log", "optimizer": "values"}): log, linear, int or values.</summary>
    public const string SweepScales = "podium.sweep.scales";

    /// <summary>On a trial's run that was given up (its worker died, lost the store, or was stopped): why; the run is in the trash.</summary>
    public const string SweepAbandoned = "podium.sweep.abandoned";

    /// <summary>On a trial: its halving round (0 for grid and random sweeps).</summary>
    public const string SweepRound = "podium.sweep.round";

    /// <summary>On a sweep's run: how many candidates it has.</summary>
    public const string SweepTrials = "podium.sweep.trials";

    /// <summary>On a sweep's run: how many trials failed.</summary>
    public const string SweepFailedTrials = "podium.sweep.failed_trials";

    /// <summary>On a sweep's run: the best trial's run id.</summary>
    public const string SweepBestRunId = "podium.sweep.best_run_id";

    /// <summary>On a sweep's run: the best trial's run name.</summary>
    public const string SweepBestRunName = "podium.sweep.best_run_name";

    /// <summary>Why training stopped before its last epoch (early stopping, a NaN loss, an interrupt).</summary>
    public const string StopReason = "podium.stop_reason";

    /// <summary>On a run made by <c>podium reproduce</c>: the id of the run it reproduces.</summary>
    public const string Reproduces = "podium.reproduces";

    /// <summary>The error that failed the run.</summary>
    public const string Error = "podium.error";

    /// <summary>Evaluation warnings are <c>podium.warning.1</c>, <c>podium.warning.2</c>, …</summary>
    public const string WarningPrefix = "podium.warning.";

    /// <summary>A run's description, in the user's words (<c>podium note</c>); MLflow keeps its own as mlflow.note.content.</summary>
    public const string Note = "podium.note";

    /// <summary>"true" on example runs made without training (<c>podium example</c>).</summary>
    public const string Simulated = "podium.simulated";

    /// <summary>Evaluation warning number <paramref name="number"/> (from 1).</summary>
    public static string Warning(int number) => WarningPrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Tags as stores of schema version 1 named them, and their names now; the version-2 migration renames them.</summary>
    public static IReadOnlyList<(string Old, string New)> Renamed { get; } =
    [
        ("sweep", Sweep), ("sweep_key", SweepKey), ("sweep_best", SweepBest), ("trial", SweepTrial), ("round", SweepRound),
        ("trials", SweepTrials), ("failed_trials", SweepFailedTrials), ("best_run_id", SweepBestRunId),
        ("best_run_name", SweepBestRunName), ("stop_reason", StopReason), ("reproduces", Reproduces), ("error", Error),
        ("simulated", Simulated),
    ];
}
