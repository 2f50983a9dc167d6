using Podium.Experiments.Specs;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Vision.Augmentation;
using Podium.Vision.Datasets;
using Podium.Tracking.Query;

namespace Podium.Experiments;

/// <summary>
/// The prototype's make_leaderboard, made whole: register data, start runs that build, fit and evaluate a model,
/// each recorded in a tracking store, and rank them.
/// </summary>
public sealed class Leaderboard : IDisposable
{
    private Leaderboard(Tracker tracker) => Tracker = tracker;

    /// <summary>The tracker underneath, for anything the pipeline does not cover.</summary>
    public Tracker Tracker { get; }

    /// <summary>A leaderboard over a tracker the caller keeps; disposing the leaderboard disposes the tracker.</summary>
    public static Leaderboard Over(Tracker tracker) => new(tracker);

    /// <summary>Opens (creating if needed) a store: a folder, a .db file, or by default ./.podium or PODIUM_TRACKING_URI.</summary>
    public static Leaderboard Open(string? location = null, TrackerOptions? options = null) => new(Tracker.Open(location, options));

    /// <summary>Registers data for runs: the splits, their fingerprint and shapes, and the augmentation applied to training (fitted here on the training images when it needs statistics).</summary>
    /// <remarks>A <paramref name="test"/> split is evaluated once after training and logged as test_* metrics.</remarks>
    public RegisteredData RegisterData(string name, ImageDataset train, ImageDataset validation, ImageDataGenerator? augment = null, ImageDataset? test = null)
    {
        if (augment is { CentresFeatures: true, Mean: null })
        {
            augment.Fit(train.Images);
        }

        return new RegisteredData(name, train, validation, augment, test);
    }

    /// <summary>Starts a run of a spec on registered data; the data stage (dataset, roles, augmentations) and every hyper-parameter are recorded at once.</summary>
    /// <exception cref="SpecException">A field of the spec is wrong; nothing is recorded.</exception>
    public ExperimentRun StartRun(RegisteredData data, RunSpec spec, string? parentRunId = null, IReadOnlyDictionary<string, string>? tags = null)
    {
        spec.Validate();
        spec.CheckFits(data.InputShape, data.Train.ClassNames.Count);
        return new ExperimentRun(Tracker, data, spec, parentRunId, tags, specJson: null);
    }

    /// <summary>
    /// Starts a run of a spec file: loads its data (checking every field first), registers it and starts the run,
    /// recording the spec itself as <c>spec.json</c> so the run can be reproduced.
    /// </summary>
    /// <exception cref="SpecException">A field of the spec is wrong; nothing is recorded.</exception>
    public ExperimentRun StartRun(RunFile file, string? parentRunId = null, IReadOnlyDictionary<string, string>? tags = null) =>
        StartRun(PreparedRun.Of(file), parentRunId, tags);

    /// <summary>Starts a run of a spec file already checked against its data (see <see cref="PreparedRun.Of"/>): registers the data and starts the run.</summary>
    public ExperimentRun StartRun(PreparedRun prepared, string? parentRunId = null, IReadOnlyDictionary<string, string>? tags = null)
    {
        var data = RegisterData(prepared.File.Data.DisplayName, prepared.Train, prepared.Validation, prepared.Augment, prepared.Test);
        return new(Tracker, data, prepared.File.Run, parentRunId, tags, prepared.File.ToJson());
    }

    /// <summary>Loads (or generates) the data a spec's <c>data:</c> section describes and registers it.</summary>
    /// <exception cref="SpecException">A field of the section is wrong, or its files are missing.</exception>
    public RegisteredData RegisterData(DataSpec spec)
    {
        var data = spec.Load();
        return RegisterData(spec.DisplayName, data.Train, data.Validation, data.Augment, data.Test);
    }

    internal ExperimentRun StartRun(RegisteredData data, RunFile file, string? parentRunId, IReadOnlyDictionary<string, string>? tags)
    {
        file.Run.CheckFits(data.InputShape, data.Train.ClassNames.Count);
        return new(Tracker, data, file.Run, parentRunId, tags, file.ToJson());
    }

    /// <summary>
    /// The ranked table of runs: finished runs, no sweep's own run and no reproduction, unless the filter names the
    /// status or the reproduces tag (<see cref="LeaderboardTable.RankedFor"/>), as <c>podium board</c> ranks them.
    /// </summary>
    public LeaderboardTable Table(string? filter = null, string? orderBy = null, IReadOnlyList<string>? columns = null, int? limit = null, string? experiment = null) =>
        Tracker.Leaderboard(filter, orderBy ?? "metrics.val_accuracy DESC", columns, limit, experiment, LeaderboardTable.RankedFor(filter));

    /// <summary>The leaderboard of the runs a query built in code selects (<see cref="Field.Is"/>, <see cref="RunQuery.And"/>).</summary>
    public LeaderboardTable Table(RunQuery query, IReadOnlyList<string>? columns = null) => Tracker.Leaderboard(query, columns);

    /// <inheritdoc/>
    public void Dispose() => Tracker.Dispose();
}
