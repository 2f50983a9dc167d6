using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Experiments.Sweeps;

/// <summary>
/// A sweep's leaderboard: its trials ranked by the sweep's own metric and goal, with the params it varied beside
/// them, so two trials that differ only in what was sampled can be told apart.
/// </summary>
/// <param name="Parent">The sweep's own run.</param>
/// <param name="Metric">The metric the sweep ranks by.</param>
/// <param name="Maximize">Whether higher is better.</param>
/// <param name="Swept">The params its trials vary.</param>
public sealed record SweepBoard(RunRecord Parent, string Metric, bool Maximize, IReadOnlyList<string> Swept)
{
    /// <summary>The sweep whose run has this id, or this id prefix, or this name (the latest of that name).</summary>
    /// <exception cref="ArgumentException">No sweep matches; the message lists the sweeps the store has.</exception>
    public static SweepBoard Find(Tracker tracker, string nameOrId)
    {
        var sweeps = tracker.Store.SearchRuns(new RunQuery(new IsNullExpr(Field.Tag(RunTags.Sweep), Negated: true), [Field.Attribute("start_time").Descending()], null));
        var found = sweeps.FirstOrDefault(r => r.Info.Name == nameOrId)
            ?? sweeps.FirstOrDefault(r => r.Info.Id == nameOrId)
            ?? (nameOrId.Length >= 4 ? sweeps.FirstOrDefault(r => r.Info.Id.StartsWith(nameOrId, StringComparison.OrdinalIgnoreCase)) : null);
        if (found is null)
        {
            var names = sweeps.Select(r => r.Info.Name).Distinct(StringComparer.Ordinal).ToList();
            var near = Spelling.Closest(nameOrId, names) is { } closest ? $"; did you mean '{closest}'?" : "";
            throw new ArgumentException($"no sweep '{nameOrId}'{near} (the store has: {(names.Count == 0 ? "none; podium sweep SPEC starts one" : string.Join(", ", names))})", nameof(nameOrId));
        }

        return Of(found);
    }

    /// <summary>The board of a sweep, from its own run's params (sweeps recorded before sweep_params show no swept params).</summary>
    public static SweepBoard Of(RunRecord parent)
    {
        var metric = parent.Params.TryGetValue(RunParams.SweepMetric, out var m) ? m.Text : RunMetrics.ValAccuracy;
        var maximize = !parent.Params.TryGetValue(RunParams.SweepGoal, out var goal) || goal.Text != "minimize";
        var swept = parent.Params.TryGetValue(RunParams.SweepParams, out var p)
            ? p.Text.Split(',', StringSplitOptions.RemoveEmptyEntries)
            : [];
        return new SweepBoard(parent, metric, maximize, swept);
    }

    /// <summary>
    /// The columns, in the order a narrow terminal keeps them: rank, run, the sweep's metric, the swept params,
    /// validation accuracy (when the sweep ranks by something else), epochs trained, duration and status.
    /// </summary>
    public IReadOnlyList<string> Columns =>
    [
        "rank", "run", "metrics." + Metric, .. Swept.Select(p => "params." + p),
        .. Metric == RunMetrics.ValAccuracy ? Array.Empty<string>() : [RunMetrics.ValAccuracy],
        RunMetrics.EpochsTrained, "duration", "status",
    ];

    /// <summary>The sweep's trials in a status (null: all), best first by the sweep's metric and goal.</summary>
    public RunQuery Query(RunStatus? status = RunStatus.Finished) => new(
        RunQuery.And(Field.Attribute("parent_run_id").Is(Parent.Info.Id), status is { } only ? Field.Attribute("status").Is(only) : null),
        [Maximize ? Field.Metric(Metric).Descending() : Field.Metric(Metric).Ascending()],
        null);

    /// <summary>How the table is ranked, for the line above it.</summary>
    public string Ranking => $"ranked by {Metric} ({(Maximize ? "higher" : "lower")} is better)";
}
