using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Caching.Memory;
using Podium.Tracking;
using Podium.Tracking.Protocol;
using Podium.Tracking.Query;

namespace Podium.Server.Apis;

/// <summary>Runs: search, get, metric history, artifacts; and the writes a remote tracker makes (create, log a batch, end).</summary>
internal static class RunsApi
{
    public static void MapRunsApi(this RouteGroupBuilder api, long maxArtifactBytes)
    {
        api.MapGet("/experiments", (ITrackingStore store) => store.ListExperiments());
        // The UI's experiment list: each experiment with how many runs it holds (the trash left out), and how many run now.
        api.MapGet("/experiments/overview", (ITrackingStore store) => store.ListExperiments()
            .Select(e => new ExperimentOverview(e.Name, e.CreatedAt,
                store.CountRuns(RunQuery.All with { Experiment = e.Name }),
                store.CountRuns(new RunQuery(Field.Attribute("status").Is("running"), [], null, e.Name))))
            .Where(e => e.Runs > 0)
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList());
        api.MapGet("/runs", (ITrackingStore store, string? filter, string? order_by, int? limit, int? offset) =>
        {
            var query = RunQuery.Parse(filter);
            if (order_by is not null)
            {
                query = query with { OrderBy = RunQuery.ParseOrderBy(order_by) };
            }

            query = query with { Limit = Math.Clamp(limit ?? query.Limit ?? 100, 1, 10_000), Offset = Math.Max(offset ?? query.Offset, 0) };
            return new RunsResponse(store.SearchRuns(query), store.CountRuns(query));
        });
        api.MapGet("/runs/{id}", (ITrackingStore store, string id) => Find(store, id));
        api.MapGet("/keys", (ITrackingStore store, string? experiment) => store.ListKeys(string.IsNullOrEmpty(experiment) ? null : experiment));
        api.MapPost("/runs/search", (ITrackingStore store, SearchRequest request) =>
        {
            var query = request.ToQuery();
            if (query.Limit is not null)
            {
                return new RunsResponse(store.SearchRuns(query));
            }

            var runs = store.SearchRuns(query with { Limit = SearchRequest.MostRuns + 1 });
            return runs.Count <= SearchRequest.MostRuns ? new RunsResponse(runs)
                : throw new ArgumentException($"more than {SearchRequest.MostRuns:N0} runs match; add a LIMIT or narrow the filter");
        });
        api.MapPost("/runs/count", (ITrackingStore store, SearchRequest request) => new CountResponse(store.CountRuns(request.ToQuery())));
        api.MapGet("/runs/{id}/metrics/{**key}", (ITrackingStore store, IMemoryCache cache, string id, string key, int? max_points, bool? full) =>
        {
            var run = Find(store, id);
            if (full == true)
            {
                // The whole series is what a store answers: empty for a metric never logged.
                var whole = run.Metrics.ContainsKey(key) ? store.GetMetricHistory(run.Info.Id, key) : [];
                return new MetricHistoryResponse(key, whole.Count, whole);
            }

            // A chart asks for a metric it saw.
            var (total, points) = run.Metrics.ContainsKey(key) ? Drawn(store, cache, run, key, Math.Clamp(max_points ?? 2000, 4, 100_000))
                : throw new KeyNotFoundException($"run {id} has no metric '{key}'");
            return new MetricHistoryResponse(key, total, points);
        });
        // Several runs' series in one answer, for charts across runs: each run's series of each key it logged,
        // downsampled like a single series, as steps and values.
        api.MapGet("/metrics", (ITrackingStore store, IMemoryCache cache, string? runs, string? keys, int? max_points) =>
        {
            var ids = (runs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var names = (keys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (ids.Length is 0 or > 200 || names.Length is 0 or > 100)
            {
                throw new ArgumentException("give runs=ID,ID,… (1 to 200) and keys=KEY,KEY,… (1 to 100)");
            }

            var most = Math.Clamp(max_points ?? 1000, 4, 100_000);
            var found = ids.Select(id => Find(store, id)).ToList();
            var series = found.SelectMany(run => names.Where(run.Metrics.ContainsKey).Select(key => (run, key))).AsParallel().AsOrdered()
                .Select(pair =>
                {
                    var (total, points) = Drawn(store, cache, pair.run, pair.key, most);
                    return new SeriesResponse(pair.run.Info.Id, pair.key, total, points.Select(p => p.Step).ToArray(), points.Select(p => p.Value).ToArray());
                })
                .ToList();
            return new { series };
        });
        api.MapGet("/runs/{id}/artifacts", (ITrackingStore store, string id) => store.ListArtifacts(Find(store, id).Info.Id));
        api.MapGet("/runs/{id}/artifacts/{**path}", (ITrackingStore store, string id, string path) =>
        {
            // Only paths the store recorded are served, compared as written: "..", absolute paths and encoded
            // separators never match one, so nothing outside the run's artifacts can be reached.
            var run = Find(store, id);
            var artifact = store.ListArtifacts(run.Info.Id).FirstOrDefault(a => a.Path == path)
                ?? throw new KeyNotFoundException($"run {id} has no artifact '{path}'");
            return Results.Stream(store.OpenArtifact(run.Info.Id, artifact.Path), ContentTypes.Of(artifact.Path), Path.GetFileName(artifact.Path));
        });
        api.MapPut("/runs/{id}/artifacts/{**path}", async (ITrackingStore store, HttpContext context, string id, string path) =>
        {
            var run = Find(store, id);
            // The whole upload is on disk before the store sees it, so a broken upload stores nothing.
            await using var upload = new FileStream(
                System.IO.Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await context.Request.Body.CopyToAsync(upload, context.RequestAborted);
            upload.Position = 0;
            return Results.Ok(store.LogArtifact(run.Info.Id, path, upload));
        }).WithMetadata(new BodyLimit(maxArtifactBytes));
        api.MapPost("/runs/{id}/datasets", (ITrackingStore store, string id, LogDatasetRequest request) =>
        {
            store.LogDataset(Find(store, id).Info.Id, request.Dataset ?? throw new ArgumentException("dataset is required"),
                string.IsNullOrWhiteSpace(request.Role) ? throw new ArgumentException("role is required") : request.Role, request.Augmentations);
            return Results.NoContent();
        });
        api.MapPut("/runs/{id}/model", (ITrackingStore store, string id, ModelRecord model) =>
        {
            store.LogModel(Find(store, id).Info.Id, model);
            return Results.NoContent();
        });
        api.MapPost("/runs/{id}/resume", (ITrackingStore store, string id) =>
        {
            store.ResumeRun(Find(store, id).Info.Id);
            return Results.NoContent();
        });
        api.MapPost("/runs", (ITrackingStore store, CreateRunRequest request) =>
        {
            var info = store.CreateRun(new NewRun(
                string.IsNullOrWhiteSpace(request.Experiment) ? throw new ArgumentException("experiment is required") : request.Experiment,
                request.Name, request.Seed, request.ParentRunId,
                request.Source ?? new RunSource(null, null, "remote"),
                request.Environment ?? new RunEnvironment("unknown", "unknown", "unknown", "unknown", "remote"),
                request.StartTime ?? DateTimeOffset.UtcNow));
            return Results.Created($"/api/runs/{info.Id}", info);
        });
        api.MapPost("/runs/{id}/batch", (ITrackingStore store, string id, LogBatchRequest request) =>
        {
            store.LogBatch(Find(store, id).Info.Id, request.ToBatch(DateTimeOffset.UtcNow));
            return Results.NoContent();
        });
        api.MapPost("/runs/{id}/end", (ITrackingStore store, string id, EndRunRequest request) =>
        {
            if (request.Status == RunStatus.Running)
            {
                throw new ArgumentException("a run ends finished, failed or killed, not running");
            }

            store.EndRun(Find(store, id).Info.Id, request.Status, request.EndTime ?? DateTimeOffset.UtcNow);
            return Results.NoContent();
        });
        api.MapPatch("/runs/{id}", (ITrackingStore store, string id, UpdateRunRequest request) =>
        {
            if (request.Name is { } name && string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("the new name is empty; give a name with a character that is not a space");
            }

            if (request.Experiment is { } experiment && string.IsNullOrWhiteSpace(experiment))
            {
                throw new ArgumentException("the experiment is empty; give the name of the experiment to move the run to");
            }

            store.UpdateRun(Find(store, id).Info.Id, new RunUpdate(request.Name, request.Experiment));
            return Results.NoContent();
        });
        api.MapDelete("/runs/{id}/tags/{**key}", (ITrackingStore store, string id, string key) =>
        {
            store.DeleteTag(Find(store, id).Info.Id, key);
            return Results.NoContent();
        });
        api.MapPost("/runs/{id}/delete", (ITrackingStore store, string id) =>
        {
            store.SetDeleted(Find(store, id).Info.Id, deleted: true);
            return Results.NoContent();
        });
        api.MapPost("/runs/{id}/restore", (ITrackingStore store, string id) =>
        {
            store.SetDeleted(Find(store, id).Info.Id, deleted: false);
            return Results.NoContent();
        });
        api.MapDelete("/runs/{id}", (ITrackingStore store, string id) =>
        {
            store.PurgeRun(Find(store, id).Info.Id);
            return Results.NoContent();
        });
    }

    /// <summary>
    /// A series downsampled for drawing, kept in memory: the key names the run, the metric, how many points it holds
    /// and its last step (from the run's summary), so a point logged since is a new key and never a stale answer.
    /// </summary>
    private static (int Total, IReadOnlyList<MetricPoint> Points) Drawn(ITrackingStore store, IMemoryCache cache, RunRecord run, string key, int most)
    {
        var summary = run.Metrics[key];
        return cache.GetOrCreate((run.Info.Id, key, summary.Count, summary.LastStep, most), entry =>
        {
            var whole = store.GetMetricHistory(run.Info.Id, key);
            var points = Downsampling.MinMax(whole, most);
            entry.Size = points.Count;
            entry.SlidingExpiration = TimeSpan.FromMinutes(30);
            return (whole.Count, points);
        });
    }

    /// <summary>A run by id or unique prefix.</summary>
    /// <exception cref="KeyNotFoundException">No run matches (answered 404).</exception>
    public static RunRecord Find(ITrackingStore store, string id) =>
        store.GetRun(id) ?? throw new KeyNotFoundException($"no run '{id}'");

    /// <summary>One run's series of one metric, downsampled: steps and values side by side.</summary>
    public sealed record SeriesResponse(string RunId, string Key, int Total, long[] Steps, double[] Values);

    /// <summary>An experiment as the UI lists it.</summary>
    public sealed record ExperimentOverview(string Name, DateTimeOffset CreatedAt, long Runs, long Running);

    /// <summary>An endpoint's own bound on its request body (artifact uploads take more than other calls).</summary>
    private sealed record BodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
