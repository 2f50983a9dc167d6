using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Podium.Tracking;
using Podium.Tracking.Query;

namespace Podium.Server.Apis;

/// <summary>Runs: search, get, metric history, artifacts; and the writes a remote tracker makes (create, log a batch, end).</summary>
internal static class RunsApi
{
    public static void MapRunsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/experiments", (ITrackingStore store) => store.ListExperiments());
        api.MapGet("/runs", (ITrackingStore store, string? filter, string? order_by, int? limit) =>
        {
            var query = RunQuery.Parse(filter);
            if (order_by is not null)
            {
                query = query with { OrderBy = RunQuery.ParseOrderBy(order_by) };
            }

            query = query with { Limit = Math.Clamp(limit ?? query.Limit ?? 100, 1, 10_000) };
            return new { runs = store.SearchRuns(query), matching = store.CountRuns(query) };
        });
        api.MapGet("/runs/{id}", (ITrackingStore store, string id) => Find(store, id));
        api.MapGet("/runs/{id}/metrics/{**key}", (ITrackingStore store, string id, string key, int? max_points) =>
        {
            var run = Find(store, id);
            var series = run.Metrics.ContainsKey(key) ? store.GetMetricHistory(run.Info.Id, key) : throw new KeyNotFoundException($"run {id} has no metric '{key}'");
            var points = Downsampling.MinMax(series, Math.Clamp(max_points ?? 2000, 4, 100_000));
            return new { key, total = series.Count, points };
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
    }

    /// <summary>A run by id or unique prefix.</summary>
    /// <exception cref="KeyNotFoundException">No run matches (answered 404).</exception>
    public static RunRecord Find(ITrackingStore store, string id) =>
        store.GetRun(id) ?? throw new KeyNotFoundException($"no run '{id}'");
}
