using Npgsql;

namespace Podium.Tracking.Stores;

internal sealed partial class PostgresStore
{
    /// <inheritdoc/>
    public int EnqueueTrials(string sweepRunId, IReadOnlyList<QueuedTrial> trials, int maxAttempts) =>
        InQueue((c, t) => SqlTrialQueue.Postgres.Enqueue(c, t, sweepRunId, trials, maxAttempts));

    /// <inheritdoc/>
    public int RetryFailedTrials(string sweepRunId) => InQueue((c, t) => SqlTrialQueue.Postgres.RetryFailed(c, t, sweepRunId));

    /// <inheritdoc/>
    public TrialClaim? ClaimTrial(string worker, string? sweepRunId, TimeSpan lease) =>
        InQueue((c, t) => SqlTrialQueue.Postgres.Claim(c, t, worker, sweepRunId, lease));

    /// <inheritdoc/>
    public bool AttachRun(long trialId, string token, string runId) => InQueue((c, t) => SqlTrialQueue.Postgres.AttachRun(c, t, trialId, token, runId));

    /// <inheritdoc/>
    public bool RenewLease(long trialId, string token, TimeSpan lease) => InQueue((c, t) => SqlTrialQueue.Postgres.Renew(c, t, trialId, token, lease));

    /// <inheritdoc/>
    public bool CompleteTrial(long trialId, string token, RunStatus status, string? error) =>
        InQueue((c, t) => SqlTrialQueue.Postgres.Complete(c, t, trialId, token, status, error));

    /// <inheritdoc/>
    public bool ReleaseTrial(long trialId, string token, string reason) => InQueue((c, t) => SqlTrialQueue.Postgres.Release(c, t, trialId, token, reason));

    /// <inheritdoc/>
    public IReadOnlyList<TrialState> ListTrials(string sweepRunId) => InQueue((c, t) => SqlTrialQueue.Postgres.List(c, t, sweepRunId));

    private T InQueue<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> step)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var result = step(connection, transaction);
        transaction.Commit();
        return result;
    }
}
