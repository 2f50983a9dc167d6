namespace Podium.Tracking.Stores;

internal sealed partial class SqliteStore
{
    /// <inheritdoc/>
    public int EnqueueTrials(string sweepRunId, IReadOnlyList<QueuedTrial> trials, int maxAttempts) =>
        InQueue(true, (c, t) =>
        {
            RunKey(sweepRunId, t); // The sweep's run must exist.
            return SqlTrialQueue.Sqlite.Enqueue(c, t, sweepRunId, trials, maxAttempts);
        });

    /// <inheritdoc/>
    public int RetryFailedTrials(string sweepRunId) => InQueue(true, (c, t) => SqlTrialQueue.Sqlite.RetryFailed(c, t, sweepRunId));

    /// <inheritdoc/>
    public TrialClaim? ClaimTrial(string worker, string? sweepRunId, TimeSpan lease) =>
        InQueue(true, (c, t) => SqlTrialQueue.Sqlite.Claim(c, t, worker, sweepRunId, lease));

    /// <inheritdoc/>
    public bool AttachRun(long trialId, string token, string runId) => InQueue(true, (c, t) => SqlTrialQueue.Sqlite.AttachRun(c, t, trialId, token, runId));

    /// <inheritdoc/>
    public bool RenewLease(long trialId, string token, TimeSpan lease) => InQueue(true, (c, t) => SqlTrialQueue.Sqlite.Renew(c, t, trialId, token, lease));

    /// <inheritdoc/>
    public bool CompleteTrial(long trialId, string token, RunStatus status, string? error) =>
        InQueue(true, (c, t) => SqlTrialQueue.Sqlite.Complete(c, t, trialId, token, status, error));

    /// <inheritdoc/>
    public bool ReleaseTrial(long trialId, string token, string reason) => InQueue(true, (c, t) => SqlTrialQueue.Sqlite.Release(c, t, trialId, token, reason));

    /// <inheritdoc/>
    public IReadOnlyList<TrialState> ListTrials(string sweepRunId) => InQueue(false, (c, t) => SqlTrialQueue.Sqlite.List(c, t, sweepRunId));

    /// <summary>One queue step in an immediate transaction: one writer at a time, so a claim is atomic across processes.</summary>
    private T InQueue<T>(bool writes, Func<Microsoft.Data.Sqlite.SqliteConnection, Microsoft.Data.Sqlite.SqliteTransaction, T> step)
    {
        if (writes)
        {
            Writable();
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction(deferred: !writes);
            var result = step(_connection, transaction);
            transaction.Commit();
            return result;
        }
    }
}
