using System.Globalization;
using Podium.Experiments.Specs;
using Podium.Nn;
using Podium.Tracking;
using Podium.Tracking.Schema;

namespace Podium.Experiments.Records;

/// <summary>What re-running a recorded run gave.</summary>
/// <param name="OriginalRunId">The run reproduced.</param>
/// <param name="RunId">The new run.</param>
/// <param name="Metrics">Metric series compared (timings excepted).</param>
/// <param name="Points">Values compared across those series.</param>
/// <param name="FirstDifference">The first metric value that differs, or null when every one is bit-identical.</param>
/// <param name="WeightsIdentical">Whether the last weights' SHA-256 is the same, or null when either run lacks them.</param>
public sealed record ReproductionReport(string OriginalRunId, string RunId, int Metrics, int Points, string? FirstDifference, bool? WeightsIdentical)
{
    /// <summary>Whether every metric value is bit-identical.</summary>
    public bool Identical => FirstDifference is null;
}

/// <summary>Re-runs a recorded run from the spec it recorded, after checking its data is the same, and compares every metric bit for bit.</summary>
public static class Reproduction
{
    /// <summary>Metrics that measure time, not the model, and so differ on every run.</summary>
    public static IReadOnlyList<string> TimingMetrics => RunMetrics.Timings;

    /// <summary>
    /// Reproduces a run: a new run from its recorded spec, named after it with <c>-repro</c> and tagged
    /// <c>podium.reproduces=ID</c> (so a leaderboard leaves it out unless asked for reproductions).
    /// </summary>
    /// <exception cref="SpecException">The run recorded no spec, or its data no longer has the recorded fingerprint; nothing is trained.</exception>
    public static ReproductionReport Run(Leaderboard board, string runId, TrainingOptions? options = null, Action<ExperimentRun>? started = null)
    {
        options?.ApplyThreads();
        var store = board.Tracker.Store;
        var original = store.GetRun(runId) ?? throw new ArgumentException($"no run '{runId}'");
        var id = original.Info.Id;
        if (!store.ListArtifacts(id).Any(a => a.Path == RunArtifacts.Spec))
        {
            throw new SpecException("run", $"run {id[..8]} was not started from a spec file (it has no {RunArtifacts.Spec}), so it cannot be re-run from the record");
        }

        string json;
        using (var reader = new StreamReader(store.OpenArtifact(id, RunArtifacts.Spec)))
        {
            json = reader.ReadToEnd();
        }

        var file = RunFile.Parse(json);
        var data = board.RegisterData(file.Data);
        var recorded = original.Datasets.FirstOrDefault(d => d.Role == "train")?.Dataset.Fingerprint;
        if (recorded is not null && recorded != data.Record.Fingerprint)
        {
            throw new SpecException("data", $"the data is not what run {id[..8]} used: fingerprint {data.Record.Fingerprint[..12]} now, {recorded[..12]} recorded");
        }

        using var run = board.StartRun(data, file with { Run = file.Run with { Name = original.Info.Name + "-repro", Experiment = original.Info.Experiment } }, null, new Dictionary<string, string> { [RunTags.Reproduces] = id });
        started?.Invoke(run);
        run.Build().Fit(options).Evaluate().Outputs();
        return Compare(store, id, run.Run.Id);
    }

    /// <summary>Compares every metric series of two runs value by value, bit for bit, timings excepted.</summary>
    public static ReproductionReport Compare(ITrackingStore store, string originalId, string newId)
    {
        var original = store.GetRun(originalId)!;
        var again = store.GetRun(newId)!;
        var keys = original.Metrics.Keys.Union(again.Metrics.Keys).Where(k => !TimingMetrics.Contains(k)).Order(StringComparer.Ordinal).ToList();
        string? difference = null;
        var points = 0;
        foreach (var key in keys)
        {
            var before = original.Metrics.ContainsKey(key) ? store.GetMetricHistory(originalId, key) : [];
            var after = again.Metrics.ContainsKey(key) ? store.GetMetricHistory(newId, key) : [];
            points += Math.Min(before.Count, after.Count);
            if (difference is not null)
            {
                continue;
            }

            if (before.Count != after.Count)
            {
                difference = $"{key}: {before.Count} values recorded, {after.Count} now";
                continue;
            }

            for (var i = 0; i < before.Count; i++)
            {
                if (BitConverter.DoubleToInt64Bits(before[i].Value) != BitConverter.DoubleToInt64Bits(after[i].Value))
                {
                    difference = $"{key} at step {before[i].Step}: {Show(before[i].Value)} recorded, {Show(after[i].Value)} now";
                    break;
                }
            }
        }

        var weightsBefore = store.ListArtifacts(originalId).FirstOrDefault(a => a.Path == RunArtifacts.LastWeights);
        var weightsAfter = store.ListArtifacts(newId).FirstOrDefault(a => a.Path == RunArtifacts.LastWeights);
        bool? weights = weightsBefore is null || weightsAfter is null ? null : weightsBefore.Sha256 == weightsAfter.Sha256;
        return new ReproductionReport(originalId, newId, keys.Count, points, difference, weights);
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
