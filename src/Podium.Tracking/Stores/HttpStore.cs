using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Podium.Tracking.Protocol;
using Podium.Tracking.Query;

namespace Podium.Tracking.Stores;

/// <summary>
/// A store kept by a Podium server (<c>podium serve</c>), reached over HTTP: PODIUM_TRACKING_URI=http://host:port.
/// Every call is one request on a kept-alive connection; a run's buffered points go in one batch request.
/// Errors come back as the same exceptions a local store throws (a param conflict, a bad query, a bad artifact path).
/// </summary>
internal sealed class HttpStore : ITrackingStore
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private readonly HttpClient _http;

    public HttpStore(Uri server, string? token)
    {
        Location = server.ToString().TrimEnd('/');
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri(Location + "/api/"),
            Timeout = TimeSpan.FromMinutes(30),
        };
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public string Location { get; }

    public IReadOnlyList<Experiment> ListExperiments() => Get<List<Experiment>>("experiments");

    public RunInfo CreateRun(NewRun run) =>
        Send<RunInfo>(HttpMethod.Post, "runs", Json(new CreateRunRequest(run.Experiment, run.Name, run.Seed, run.ParentRunId, run.Source, run.Environment, run.StartTime)));

    public void LogBatch(string runId, RunBatch batch)
    {
        if (!batch.IsEmpty)
        {
            Send(HttpMethod.Post, Run(runId, "batch"), Json(LogBatchRequest.From(batch)));
        }
    }

    public void EndRun(string runId, RunStatus status, DateTimeOffset endTime) =>
        Send(HttpMethod.Post, Run(runId, "end"), Json(new EndRunRequest(status, endTime)));

    public void ResumeRun(string runId) => Send(HttpMethod.Post, Run(runId, "resume"), null);

    public void LogDataset(string runId, DatasetRecord dataset, string role, string? augmentationsJson) =>
        Send(HttpMethod.Post, Run(runId, "datasets"), Json(new LogDatasetRequest(dataset, role, augmentationsJson)));

    public void LogModel(string runId, ModelRecord model) => Send(HttpMethod.Put, Run(runId, "model"), Json(model));

    public ArtifactInfo LogArtifact(string runId, string path, Stream content)
    {
        var relative = ArtifactPath.Normalize(path);
        // Sending disposes the content and its stream; the caller's stream stays the caller's to close.
        var body = new StreamContent(new Borrowed(content));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        // Expect: 100-continue lets the server refuse an oversize upload before a byte of it is sent.
        using var response = Call(HttpMethod.Put, Run(runId, "artifacts/" + Segments(relative)), body, expectContinue: true);
        return Read<ArtifactInfo>(response);
    }

    public IReadOnlyList<ArtifactInfo> ListArtifacts(string runId) => Get<List<ArtifactInfo>>(Run(runId, "artifacts"));

    public Stream OpenArtifact(string runId, string path)
    {
        var relative = ArtifactPath.Normalize(path);
        var response = Call(HttpMethod.Get, Run(runId, "artifacts/" + Segments(relative)), null, missing: Missing.FileNotFound);
        return response.Content.ReadAsStream();
    }

    public RunRecord? GetRun(string runIdOrPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(runIdOrPrefix);
        using var response = Call(HttpMethod.Get, "runs/" + Uri.EscapeDataString(runIdOrPrefix), null, missing: Missing.Null);
        return response.StatusCode == HttpStatusCode.NotFound ? null : Read<RunRecord>(response);
    }

    public IReadOnlyList<MetricPoint> GetMetricHistory(string runId, string key)
    {
        using var response = Call(HttpMethod.Get, Run(runId, "metrics/" + Segments(key)) + "?full=true", null);
        return Read<MetricHistoryResponse>(response).Points;
    }

    public IReadOnlyList<RunRecord> SearchRuns(RunQuery query) =>
        Send<RunsResponse>(HttpMethod.Post, "runs/search", Json(new SearchRequest(query.ToString(), query.Experiment, query.Only, query.Trash))).Runs;

    public long CountRuns(RunQuery query) =>
        Send<CountResponse>(HttpMethod.Post, "runs/count", Json(new SearchRequest((query with { Limit = null, Offset = 0 }).ToString(), query.Experiment, Trash: query.Trash))).Matching;

    public RunKeys ListKeys(string? experiment) =>
        Get<RunKeys>("keys" + (experiment is null ? "" : "?experiment=" + Uri.EscapeDataString(experiment)));

    public void UpdateRun(string runId, RunUpdate update) =>
        Send(HttpMethod.Patch, "runs/" + Uri.EscapeDataString(runId), Json(new UpdateRunRequest(update.Name, update.Experiment)));

    public void DeleteTag(string runId, string key) => Send(HttpMethod.Delete, Run(runId, "tags/" + Segments(key)), null);

    public void SetDeleted(string runId, bool deleted) => Send(HttpMethod.Post, Run(runId, deleted ? "delete" : "restore"), null);

    public void PurgeRun(string runId) => Send(HttpMethod.Delete, "runs/" + Uri.EscapeDataString(runId), null);

    public int EnqueueTrials(string sweepRunId, IReadOnlyList<QueuedTrial> trials, int maxAttempts) =>
        Send<QueueResponse>(HttpMethod.Post, Sweep(sweepRunId, "trials"), Json(new EnqueueTrialsRequest(trials, maxAttempts))).Count;

    public int RetryFailedTrials(string sweepRunId) => Send<QueueResponse>(HttpMethod.Post, Sweep(sweepRunId, "trials/retry"), null).Count;

    public TrialClaim? ClaimTrial(string worker, string? sweepRunId, TimeSpan lease)
    {
        using var response = Call(HttpMethod.Post, "trials/claim", Json(new ClaimTrialRequest(worker, sweepRunId, (long)lease.TotalMilliseconds)));
        return response.StatusCode == HttpStatusCode.NoContent ? null : Read<TrialClaim>(response);
    }

    public bool AttachRun(long trialId, string token, string runId) => Lease(trialId, "attach", new TrialLeaseRequest(token, RunId: runId));

    public bool RenewLease(long trialId, string token, TimeSpan lease) =>
        Lease(trialId, "renew", new TrialLeaseRequest(token, LeaseMilliseconds: (long)lease.TotalMilliseconds));

    public bool CompleteTrial(long trialId, string token, RunStatus status, string? error) =>
        Lease(trialId, "complete", new TrialLeaseRequest(token, Status: status, Reason: error));

    public bool ReleaseTrial(long trialId, string token, string reason) => Lease(trialId, "release", new TrialLeaseRequest(token, Reason: reason));

    public IReadOnlyList<TrialState> ListTrials(string sweepRunId) => Get<List<TrialState>>(Sweep(sweepRunId, "trials"));

    private bool Lease(long trialId, string verb, TrialLeaseRequest request) =>
        Send<QueueResponse>(HttpMethod.Post, $"trials/{trialId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{verb}", Json(request)).Count == 1;

    private static string Sweep(string sweepRunId, string rest) => "sweeps/" + Uri.EscapeDataString(sweepRunId) + "/" + rest;

    public void Dispose() => _http.Dispose();

    private static string Run(string runId, string rest) => "runs/" + Uri.EscapeDataString(runId) + "/" + rest;

    /// <summary>A key or artifact path in a URL: each '/'-separated part escaped, the slashes kept.</summary>
    private static string Segments(string text) => string.Join('/', text.Split('/').Select(Uri.EscapeDataString));

    private static ByteArrayContent Json<T>(T value)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, TrackingJson.Options));
        content.Headers.ContentType = JsonType;
        return content;
    }

    private T Get<T>(string path) => Send<T>(HttpMethod.Get, path, null);

    private T Send<T>(HttpMethod method, string path, HttpContent? body)
    {
        using var response = Call(method, path, body);
        return Read<T>(response);
    }

    private void Send(HttpMethod method, string path, HttpContent? body)
    {
        using var response = Call(method, path, body);
    }

    private T Read<T>(HttpResponseMessage response)
    {
        using var stream = response.Content.ReadAsStream();
        return JsonSerializer.Deserialize<T>(stream, TrackingJson.Options)
            ?? throw new StoreException($"the Podium server at {Location} answered {response.RequestMessage?.RequestUri?.AbsolutePath} with nothing");
    }

    /// <summary>Sends one request; a problem answer is thrown as the exception the server caught, except a 404 that <paramref name="missing"/> lets through.</summary>
    private HttpResponseMessage Call(HttpMethod method, string path, HttpContent? body, Missing missing = Missing.Error, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        request.Headers.ExpectContinue = expectContinue;
        HttpResponseMessage response;
        try
        {
            response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (HttpRequestException e)
        {
            throw new StoreException($"cannot reach the Podium server at {Location}: {e.Message}", e);
        }
        catch (TaskCanceledException e)
        {
            throw new StoreException($"the Podium server at {Location} did not answer {method} /api/{path} within {_http.Timeout.TotalMinutes:0} minutes", e);
        }

        if (response.IsSuccessStatusCode || (response.StatusCode == HttpStatusCode.NotFound && missing == Missing.Null))
        {
            return response;
        }

        using (response)
        {
            throw Failure(response, method, path, missing);
        }
    }

    private Exception Failure(HttpResponseMessage response, HttpMethod method, string path, Missing missing)
    {
        var problem = ReadProblem(response);
        var detail = problem?.Detail ?? $"{(int)response.StatusCode} {response.ReasonPhrase}";
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest when problem is { Column: { } column } => new QueryException(problem.Problem ?? detail, column, problem.Token ?? ""),
            HttpStatusCode.BadRequest => new ArgumentException(detail),
            HttpStatusCode.Conflict when problem is { Key: { } key, Stored: { } stored, Refused: { } refused } => new ParamConflictException(key, stored, refused),
            HttpStatusCode.NotFound when missing == Missing.FileNotFound => new FileNotFoundException(detail),
            HttpStatusCode.NotFound when problem is not null => new KeyNotFoundException(detail),
            HttpStatusCode.Unauthorized => new StoreException($"the Podium server at {Location} wants a token: set {TrackingStores.TokenVariable} to the token it was started with (--token)"),
            HttpStatusCode.RequestEntityTooLarge => new ArgumentException(detail),
            _ => new StoreException($"the Podium server at {Location} answered {method} /api/{path} with {(int)response.StatusCode}: {detail}"),
        };
    }

    private static ProblemResponse? ReadProblem(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ProblemResponse>(response.Content.ReadAsStream(), TrackingJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What a 404 means for a call.</summary>
    private enum Missing
    {
        /// <summary>An error: the run (or endpoint) does not exist.</summary>
        Error,

        /// <summary>An answer: nothing by that name (GetRun gives null).</summary>
        Null,

        /// <summary>An artifact that is not there.</summary>
        FileNotFound,
    }

    /// <summary>Reads through to a stream that someone else owns, and leaves it open when disposed.</summary>
    private sealed class Borrowed(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
