using Podium.Tracking;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Experiments.Sweeps;

/// <summary>
/// The store as one claimed trial's worker sees it. The run it creates is attached to the trial; ending that run ends
/// the trial in the same transaction (finished: done; failed: failed; killed: given back); and once the lease is lost —
/// another worker took the trial over — every write about the trial is dropped, so it records nothing more.
/// </summary>
internal sealed class LeasedStore(ITrackingStore inner, TrialClaim claim) : ITrackingStore
{
    private readonly object _gate = new();
    private string? _runId;
    private string? _error;
    private volatile bool _lost;

    /// <summary>Whether the lease was lost: the trial is another worker's, and nothing more is written for it.</summary>
    public bool Lost => _lost;

    /// <summary>Whether the trial was completed (done or failed) or given back through this store.</summary>
    public bool Ended { get; private set; }

    /// <summary>The run recording this attempt, once created.</summary>
    public string? RunId => _runId;

    public string Location => inner.Location;

    /// <summary>Stops every write about the trial from now on.</summary>
    public void Cut() => _lost = true;

    public RunInfo CreateRun(NewRun run)
    {
        var info = inner.CreateRun(run);
        lock (_gate)
        {
            _runId ??= info.Id;
        }

        if (_runId == info.Id && !inner.AttachRun(claim.Id, claim.Token, info.Id))
        {
            Cut();
        }

        return info;
    }

    private bool Dropped(string runId) => _lost && runId == _runId;

    public void LogBatch(string runId, RunBatch batch)
    {
        if (Dropped(runId))
        {
            return;
        }

        foreach (var (key, value) in batch.Tags)
        {
            if (key == RunTags.Error)
            {
                _error = value;
            }
        }

        inner.LogBatch(runId, batch);
    }

    public void EndRun(string runId, RunStatus status, DateTimeOffset endTime)
    {
        if (runId != _runId)
        {
            inner.EndRun(runId, status, endTime);
            return;
        }

        if (_lost || Ended)
        {
            return;
        }

        var held = status == RunStatus.Killed
            ? inner.ReleaseTrial(claim.Id, claim.Token, "stopped (Ctrl+C or SIGTERM) on " + Environment.MachineName + "; given back to the queue")
            : inner.CompleteTrial(claim.Id, claim.Token, status == RunStatus.Finished ? RunStatus.Finished : RunStatus.Failed, status == RunStatus.Finished ? null : _error ?? "the run failed");
        if (held)
        {
            Ended = true;
        }
        else
        {
            Cut();
        }
    }

    public void ResumeRun(string runId)
    {
        if (!Dropped(runId))
        {
            inner.ResumeRun(runId);
        }
    }

    public void LogDataset(string runId, DatasetRecord dataset, string role, string? augmentationsJson)
    {
        if (!Dropped(runId))
        {
            inner.LogDataset(runId, dataset, role, augmentationsJson);
        }
    }

    public void LogModel(string runId, ModelRecord model)
    {
        if (!Dropped(runId))
        {
            inner.LogModel(runId, model);
        }
    }

    public ArtifactInfo LogArtifact(string runId, string path, Stream content) =>
        Dropped(runId) ? new ArtifactInfo(path, 0, "") : inner.LogArtifact(runId, path, content);

    public IReadOnlyList<Experiment> ListExperiments() => inner.ListExperiments();

    public IReadOnlyList<ArtifactInfo> ListArtifacts(string runId) => inner.ListArtifacts(runId);

    public Stream OpenArtifact(string runId, string path) => inner.OpenArtifact(runId, path);

    public RunRecord? GetRun(string runIdOrPrefix) => inner.GetRun(runIdOrPrefix);

    public IReadOnlyList<MetricPoint> GetMetricHistory(string runId, string key) => inner.GetMetricHistory(runId, key);

    public IReadOnlyList<RunRecord> SearchRuns(RunQuery query) => inner.SearchRuns(query);

    public long CountRuns(RunQuery query) => inner.CountRuns(query);

    public RunKeys ListKeys(string? experiment) => inner.ListKeys(experiment);

    public void UpdateRun(string runId, RunUpdate update) => inner.UpdateRun(runId, update);

    public void DeleteTag(string runId, string key) => inner.DeleteTag(runId, key);

    public void SetDeleted(string runId, bool deleted) => inner.SetDeleted(runId, deleted);

    public void PurgeRun(string runId) => inner.PurgeRun(runId);

    public int EnqueueTrials(string sweepRunId, IReadOnlyList<QueuedTrial> trials, int maxAttempts) => inner.EnqueueTrials(sweepRunId, trials, maxAttempts);

    public int RetryFailedTrials(string sweepRunId) => inner.RetryFailedTrials(sweepRunId);

    public TrialClaim? ClaimTrial(string worker, string? sweepRunId, TimeSpan lease) => inner.ClaimTrial(worker, sweepRunId, lease);

    public bool AttachRun(long trialId, string token, string runId) => inner.AttachRun(trialId, token, runId);

    public bool RenewLease(long trialId, string token, TimeSpan lease) => inner.RenewLease(trialId, token, lease);

    public bool CompleteTrial(long trialId, string token, RunStatus status, string? error) => inner.CompleteTrial(trialId, token, status, error);

    public bool ReleaseTrial(long trialId, string token, string reason) => inner.ReleaseTrial(trialId, token, reason);

    public IReadOnlyList<TrialState> ListTrials(string sweepRunId) => inner.ListTrials(sweepRunId);

    /// <summary>The worker's store stays open; this view of it owns nothing.</summary>
    public void Dispose()
    {
    }
}
