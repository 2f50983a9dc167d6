namespace Podium.Tracking;

/// <summary>Where a queued trial is.</summary>
public enum TrialStatus
{
    /// <summary>Waiting for a worker.</summary>
    Pending,

    /// <summary>Claimed by a worker that holds its lease.</summary>
    Running,

    /// <summary>Recorded by a run that finished.</summary>
    Done,

    /// <summary>Given up: its run failed, or its lease expired as many times as the sweep allows.</summary>
    Failed,
}

/// <summary>A trial to put in a sweep's queue.</summary>
/// <param name="Round">Its halving round (0 for grid and random sweeps).</param>
/// <param name="Index">Its index among the sweep's candidates.</param>
/// <param name="Name">The name its run gets.</param>
/// <param name="Spec">What a worker needs to run it: a run spec as JSON.</param>
public sealed record QueuedTrial(int Round, int Index, string Name, string Spec);

/// <summary>A trial a worker claimed: it holds the lease until <paramref name="LeaseExpires"/> and must renew it to keep it.</summary>
/// <param name="Id">The trial's id in the store.</param>
/// <param name="SweepRunId">The sweep's run.</param>
/// <param name="Round">Its halving round.</param>
/// <param name="Index">Its index among the candidates.</param>
/// <param name="Name">The name its run gets.</param>
/// <param name="Spec">The run spec, as JSON.</param>
/// <param name="Attempt">Which attempt this is, from 1.</param>
/// <param name="Token">Proves the lease: every later call about the trial gives it, and is refused once another worker took the trial over.</param>
/// <param name="LeaseExpires">When the lease runs out unless renewed, by the store's clock.</param>
public sealed record TrialClaim(long Id, string SweepRunId, int Round, int Index, string Name, string Spec, int Attempt, string Token, DateTimeOffset LeaseExpires);

/// <summary>A trial as the queue holds it, for <c>podium sweep status</c>.</summary>
/// <param name="Id">The trial's id in the store.</param>
/// <param name="Round">Its halving round.</param>
/// <param name="Index">Its index among the candidates.</param>
/// <param name="Name">The name its run gets.</param>
/// <param name="Status">Pending, running, done or failed.</param>
/// <param name="Attempts">How many times a worker claimed it.</param>
/// <param name="MaxAttempts">How many claims the sweep allows before it is failed.</param>
/// <param name="Worker">The worker holding it (running) or that last held it.</param>
/// <param name="LeaseExpires">When the running trial's lease runs out.</param>
/// <param name="RunId">The run recording its current (or last) attempt.</param>
/// <param name="Errors">What went wrong on earlier attempts, a line each.</param>
/// <param name="Spec">The run spec, as JSON.</param>
public sealed record TrialState(long Id, int Round, int Index, string Name, TrialStatus Status, int Attempts, int MaxAttempts, string? Worker, DateTimeOffset? LeaseExpires, string? RunId, string Errors, string Spec);

/// <summary>
/// A sweep's trials kept in the store as a queue: workers on any machine claim the next pending trial atomically, hold
/// a lease they renew while training, and mark it done. A lease that runs out puts the trial back (its run is moved
/// to the trash and marked failed) until the sweep's attempt limit; a worker that lost its lease is refused every
/// later call, so no trial is ever recorded twice.
/// </summary>
public interface ITrialQueue
{
    /// <summary>Adds trials to a sweep's queue; a trial already there (same round and index) is left as it is. Returns how many were added.</summary>
    int EnqueueTrials(string sweepRunId, IReadOnlyList<QueuedTrial> trials, int maxAttempts);

    /// <summary>Puts a sweep's failed trials back as pending with their attempts cleared (a sweep started again); returns how many.</summary>
    int RetryFailedTrials(string sweepRunId);

    /// <summary>
    /// Claims the next pending trial (of one sweep, or of any), first putting back trials whose lease ran out. Null when none is pending.
    /// </summary>
    TrialClaim? ClaimTrial(string worker, string? sweepRunId, TimeSpan lease);

    /// <summary>Records the run that the claimed attempt writes to; false when the lease is no longer this worker's.</summary>
    bool AttachRun(long trialId, string token, string runId);

    /// <summary>Extends the lease from now; false when it is no longer this worker's (it ran out and another worker took the trial).</summary>
    bool RenewLease(long trialId, string token, TimeSpan lease);

    /// <summary>
    /// Marks the trial done (the run finished) or failed, and ends its run with that status at the same moment; false,
    /// changing nothing, when the lease is no longer this worker's.
    /// </summary>
    bool CompleteTrial(long trialId, string token, RunStatus status, string? error);

    /// <summary>Gives the trial back at once (the worker was stopped): pending again, the attempt not counted, its run moved to the trash.</summary>
    bool ReleaseTrial(long trialId, string token, string reason);

    /// <summary>A sweep's trials, by round and index.</summary>
    IReadOnlyList<TrialState> ListTrials(string sweepRunId);
}
