using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Podium.Tracking;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Server.Apis;

/// <summary>Datasets as the runs recorded them (by content fingerprint), and which runs used each.</summary>
internal static partial class DatasetsApi
{
    public static void MapDatasetsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/datasets", (ITrackingStore store) =>
            // Runs that used a dataset, loaded without their params and metrics: only the dataset links are read.
            store.SearchRuns(RunQuery.Parse("dataset.name IS NOT NULL") with { Only = RunProjection.None })
                .SelectMany(run => run.Datasets.Select(use => (run, use)))
                .GroupBy(x => x.use.Dataset.Fingerprint)
                .Select(g => new DatasetSummary(g.First().use.Dataset, g.Select(x => x.run.Info.Id).Distinct().Count(), g.Select(x => x.use.Role).Distinct().Order().ToList()))
                .OrderBy(d => d.Dataset.Name, StringComparer.Ordinal)
                .ToList());
        api.MapGet("/datasets/{fingerprint}", (ITrackingStore store, string fingerprint) =>
        {
            if (!Hex().IsMatch(fingerprint))
            {
                throw new ArgumentException($"'{fingerprint}' is not a dataset fingerprint (hexadecimal SHA-256)");
            }

            var wanted = fingerprint.ToLowerInvariant();
            var uses = store.SearchRuns(new RunQuery(Field.Dataset("fingerprint").Is(wanted), [Field.Attribute("start_time").Descending()], null, Only: RunProjection.Metric(RunMetrics.ValAccuracy)))
                .SelectMany(run => run.Datasets.Where(d => d.Dataset.Fingerprint == wanted).Select(use => (run, use)))
                .ToList();
            var dataset = uses.Count > 0 ? uses[0].use.Dataset : throw new KeyNotFoundException($"no dataset with fingerprint {fingerprint}");
            var runs = uses.Select(x => new DatasetRun(x.run.Info, x.use.Role, x.use.Augmentations,
                x.run.Metrics.TryGetValue(RunMetrics.ValAccuracy, out var accuracy) ? accuracy.Last : null)).ToList();
            return new { dataset, runs };
        });
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Hex();

    /// <summary>A dataset with how many runs used it, and in which roles.</summary>
    public sealed record DatasetSummary(DatasetRecord Dataset, int Runs, IReadOnlyList<string> Roles);

    /// <summary>One run's use of a dataset.</summary>
    public sealed record DatasetRun(RunInfo Run, string Role, string? Augmentations, double? ValAccuracy);
}
