using System.Text.Json;
using System.Text.Json.Serialization;
using Podium.Tracking.Query;

namespace Podium.Tracking.Protocol;

/// <summary>POST /api/runs: a run to create.</summary>
/// <param name="Experiment">The experiment; created when new.</param>
/// <param name="Name">The run's name; null for a generated one.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="ParentRunId">The sweep run it belongs to.</param>
/// <param name="Source">Where the client's code came from.</param>
/// <param name="Environment">The client's machine (not the server's).</param>
/// <param name="StartTime">When it started; null for now.</param>
public sealed record CreateRunRequest(string Experiment, string? Name, long? Seed, string? ParentRunId, RunSource? Source, RunEnvironment? Environment, DateTimeOffset? StartTime);

/// <summary>One metric point of a batch.</summary>
/// <param name="Key">The metric.</param>
/// <param name="Value">Its value.</param>
/// <param name="Step">Its step.</param>
/// <param name="Timestamp">When it was measured; null for now.</param>
/// <param name="Epoch">Its epoch, if any.</param>
public sealed record MetricRequest(string Key, double Value, long Step, DateTimeOffset? Timestamp, int? Epoch);

/// <summary>Points of one metric as parallel arrays: the compact form the remote store sends.</summary>
/// <param name="Key">The metric.</param>
/// <param name="Steps">Each point's step.</param>
/// <param name="Values">Each point's value ("NaN", "Infinity" and "-Infinity" as strings).</param>
/// <param name="Timestamps">Each point's time in Unix milliseconds; null for now.</param>
/// <param name="Epochs">Each point's epoch (null entries for none); null for none at all.</param>
public sealed record SeriesRequest(string Key, long[] Steps, double[] Values, long[]? Timestamps, int?[]? Epochs);

/// <summary>A param with its kind stated, so that every value (NaN, a JSON number) keeps its type exactly.</summary>
/// <param name="Key">The param.</param>
/// <param name="Kind">number, string, bool or json.</param>
/// <param name="Text">The value as text.</param>
public sealed record TypedParamRequest(string Key, string Kind, string Text);

/// <summary>POST /api/runs/ID/batch: params, metric points and tags, stored together or not at all.</summary>
/// <param name="Params">Params by key: a number, text, true/false, or any other JSON (kept as JSON).</param>
/// <param name="Metrics">Metric points.</param>
/// <param name="Tags">Tags by key.</param>
/// <param name="TypedParams">Params with their kinds, as the remote store sends them; stored after <paramref name="Params"/>.</param>
/// <param name="Series">Metric points by series, as the remote store sends them; stored after <paramref name="Metrics"/>.</param>
public sealed record LogBatchRequest(
    IReadOnlyDictionary<string, JsonElement>? Params,
    IReadOnlyList<MetricRequest>? Metrics,
    IReadOnlyDictionary<string, string>? Tags,
    IReadOnlyList<TypedParamRequest>? TypedParams = null,
    IReadOnlyList<SeriesRequest>? Series = null)
{
    /// <summary>The most metric points one batch may carry.</summary>
    public const int MaxMetrics = 50_000;

    /// <summary>The most params, and the most tags, one batch may carry.</summary>
    public const int MaxParamsOrTags = 1_000;

    /// <summary>
    /// A batch as a remote store sends it: params with their kinds, metric points as one set of parallel arrays per
    /// series (about 40 bytes a point instead of 100), and tags with the last write per key.
    /// </summary>
    public static LogBatchRequest From(RunBatch batch)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in batch.Tags)
        {
            tags.Remove(key); // keeps the order of last writes
            tags[key] = value;
        }

        return new LogBatchRequest(
            null,
            null,
            tags,
            batch.Params.Select(p => new TypedParamRequest(p.Key, ParamValue.KindName(p.Value.Kind), p.Value.Text)).ToList(),
            batch.Metrics.Select(s => new SeriesRequest(
                s.Key,
                s.Value.Select(p => p.Step).ToArray(),
                s.Value.Select(p => p.Value).ToArray(),
                s.Value.Select(p => p.Timestamp.ToUnixTimeMilliseconds()).ToArray(),
                s.Value.Any(p => p.Epoch is not null) ? s.Value.Select(p => p.Epoch).ToArray() : null)).ToList());
    }

    /// <summary>The batch as the store takes it.</summary>
    /// <exception cref="ArgumentException">It is over a bound, or a key is empty.</exception>
    public RunBatch ToBatch(DateTimeOffset now)
    {
        Bound("metrics", (Metrics?.Count ?? 0) + (Series?.Sum(series => (long)(series.Steps?.Length ?? 0)) ?? 0), MaxMetrics);
        Bound("params", (Params?.Count ?? 0) + (TypedParams?.Count ?? 0), MaxParamsOrTags);
        Bound("tags", Tags?.Count ?? 0, MaxParamsOrTags);
        var batch = new RunBatch();
        foreach (var (key, value) in Params ?? new Dictionary<string, JsonElement>())
        {
            batch.Params.Add(new(Key(key), Param(key, value)));
        }

        foreach (var param in TypedParams ?? [])
        {
            batch.Params.Add(new(Key(param.Key), ParamValue.Parse(param.Kind ?? "", param.Text ?? throw new ArgumentException($"param '{param.Key}' has no text"))));
        }

        foreach (var metric in Metrics ?? [])
        {
            batch.Metrics.Add(new(Key(metric.Key), new MetricPoint(metric.Step, metric.Value, metric.Timestamp ?? now, metric.Epoch)));
        }

        foreach (var series in Series ?? [])
        {
            var key = Key(series.Key);
            var count = series.Steps?.Length ?? 0;
            if (series.Values?.Length != count || (series.Timestamps is { } times && times.Length != count) || (series.Epochs is { } epochs && epochs.Length != count))
            {
                throw new ArgumentException($"series '{key}': steps, values, timestamps and epochs must be equally long");
            }

            for (var i = 0; i < count; i++)
            {
                var at = series.Timestamps is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms[i]) : now;
                batch.Metrics.Add(key, new MetricPoint(series.Steps![i], series.Values[i], at, series.Epochs?[i]));
            }
        }

        foreach (var (key, value) in Tags ?? new Dictionary<string, string>())
        {
            batch.Tags.Add(new(Key(key), value ?? throw new ArgumentException($"tag '{key}' has no value")));
        }

        return batch;

        static void Bound(string what, long count, int most)
        {
            if (count > most)
            {
                throw new ArgumentException($"a batch may carry at most {most:N0} {what}; this one has {count:N0}; send it in parts");
            }
        }

        // A param's JSON is kept as it came, unread until here: text in it that is not UTF-8 is found now.
        static ParamValue Param(string key, JsonElement value)
        {
            try
            {
                return value.ValueKind switch
                {
                    JsonValueKind.Number => ParamValue.Of(value.GetDouble()),
                    JsonValueKind.String => ParamValue.Of(value.GetString()!),
                    JsonValueKind.True or JsonValueKind.False => ParamValue.Of(value.GetBoolean()),
                    _ => ParamValue.OfJson(value.GetRawText()),
                };
            }
            catch (InvalidOperationException)
            {
                throw new ArgumentException($"params.{key} holds text that is not valid UTF-8");
            }
        }

        static string Key(string? key) => string.IsNullOrWhiteSpace(key) ? throw new ArgumentException("a key is empty") : key;
    }
}

/// <summary>POST /api/runs/search and /api/runs/count: a query, as the query language writes it.</summary>
/// <param name="Filter">Filter, ORDER BY and LIMIT, e.g. <c>metrics.acc &gt; 0.8 ORDER BY metrics.acc DESC LIMIT 10</c>; null for every run.</param>
/// <param name="Experiment">Only runs of this experiment.</param>
/// <param name="Only">Which params and metrics to load into each run; null for all.</param>
/// <param name="Trash">Search the trash instead of the runs in use.</param>
public sealed record SearchRequest(string? Filter, string? Experiment, RunProjection? Only = null, bool Trash = false)
{
    /// <summary>The most runs one search without a LIMIT answers with.</summary>
    public const int MostRuns = 100_000;

    /// <summary>The query as the store takes it.</summary>
    /// <exception cref="QueryException">The filter is not a valid query.</exception>
    public RunQuery ToQuery() =>
        RunQuery.Parse(Filter) with { Experiment = string.IsNullOrEmpty(Experiment) ? null : Experiment, Only = Only, Trash = Trash };
}

/// <summary>PATCH /api/runs/ID: a new name, another experiment, or both; null leaves a field as it is.</summary>
/// <param name="Name">The run's new name.</param>
/// <param name="Experiment">The experiment to move it to (created when new).</param>
public sealed record UpdateRunRequest(string? Name, string? Experiment);

/// <summary>POST /api/runs/ID/datasets: a dataset the run uses.</summary>
/// <param name="Dataset">The dataset's record.</param>
/// <param name="Role">train, validation or test.</param>
/// <param name="Augmentations">The augmentation applied to it, as JSON text; null for none.</param>
public sealed record LogDatasetRequest(DatasetRecord? Dataset, string? Role, string? Augmentations);

/// <summary>POST /api/runs/ID/end.</summary>
/// <param name="Status">finished, failed or killed.</param>
/// <param name="EndTime">When it ended; null for now.</param>
public sealed record EndRunRequest(RunStatus Status, DateTimeOffset? EndTime);

/// <summary>The answer to GET /api/runs and POST /api/runs/search: runs, and how many match when it was asked.</summary>
/// <param name="Runs">The runs, in the query's order.</param>
/// <param name="Matching">How many runs match, ignoring the limit (GET /api/runs only).</param>
public sealed record RunsResponse(IReadOnlyList<RunRecord> Runs, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Matching = null);

/// <summary>The answer to POST /api/runs/count.</summary>
/// <param name="Matching">How many runs match, ignoring any limit.</param>
public sealed record CountResponse(long Matching);

/// <summary>The answer to GET /api/runs/ID/metrics/KEY: a series, whole or thinned for a chart.</summary>
/// <param name="Key">The metric.</param>
/// <param name="Total">Points in the whole series.</param>
/// <param name="Points">The points answered: all of them, or a min/max thinning.</param>
public sealed record MetricHistoryResponse(string Key, int Total, IReadOnlyList<MetricPoint> Points);

/// <summary>
/// An error answer (RFC 9457 problem details) with what a client needs to raise the same error again: a query error's
/// problem, column and token; a param conflict's key and values; a 500's error id.
/// </summary>
/// <param name="Type">about:blank.</param>
/// <param name="Title">The status's reason phrase.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">One line saying what is wrong.</param>
/// <param name="Problem">A query error's problem, without its place.</param>
/// <param name="Column">A query error's 1-based column.</param>
/// <param name="Token">A query error's token.</param>
/// <param name="Key">A param conflict's key.</param>
/// <param name="Stored">A param conflict's stored value.</param>
/// <param name="Refused">A param conflict's refused value.</param>
/// <param name="ErrorId">A 500's id, under which the server logged the error.</param>
public sealed record ProblemResponse(
    string Type,
    string? Title,
    int Status,
    string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Problem = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Column = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ParamValue? Stored = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ParamValue? Refused = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorId = null);

/// <summary>Trials to add to a sweep's queue.</summary>
/// <param name="Trials">The trials.</param>
/// <param name="MaxAttempts">Claims allowed per trial before it is failed.</param>
public sealed record EnqueueTrialsRequest(IReadOnlyList<QueuedTrial> Trials, int MaxAttempts);

/// <summary>A worker asking for the next trial.</summary>
/// <param name="Worker">Who asks: host and process.</param>
/// <param name="Sweep">One sweep's run id, or null for any sweep.</param>
/// <param name="LeaseMilliseconds">How long the lease lasts unless renewed.</param>
public sealed record ClaimTrialRequest(string Worker, string? Sweep, long LeaseMilliseconds);

/// <summary>A call about a claimed trial, proved by its lease's token.</summary>
/// <param name="Token">The lease's token.</param>
/// <param name="RunId">attach: the run the attempt writes to.</param>
/// <param name="LeaseMilliseconds">renew: the lease's new length from now.</param>
/// <param name="Status">complete: finished or failed.</param>
/// <param name="Reason">complete: the error; release: why the trial is given back.</param>
public sealed record TrialLeaseRequest(string Token, string? RunId = null, long? LeaseMilliseconds = null, RunStatus? Status = null, string? Reason = null);

/// <summary>How many rows a queue call changed, or whether the lease was still the worker's (1 or 0).</summary>
/// <param name="Count">The count.</param>
public sealed record QueueResponse(int Count);
