using Npgsql;

namespace Podium.Tracking.Stores;

internal sealed partial class PostgresStore
{
    /// <inheritdoc/>
    public int EnqueueTrials(string sweepRunId, IReadOnlyList<QueuedTrial> trials, int maxAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        // One statement for the lot: a sweep of 10,000 trials is one round trip, not 10,000.
        using var connection = Open();
        RunKey(connection, sweepRunId); // The sweep's run must exist.
        using var command = new NpgsqlCommand(
            $"""
            INSERT INTO sweep_trials(sweep_run_id, round, trial, name, spec, status, attempts, max_attempts, errors, enqueued_at, updated_at)
            SELECT @sweep, r, t, n, s, 'pending', 0, @max, '', {SqlTrialQueue.Postgres.Now}, {SqlTrialQueue.Postgres.Now}
            FROM unnest(@rounds, @trials, @names, @specs) WITH ORDINALITY AS x(r, t, n, s, o) ORDER BY o
            ON CONFLICT (sweep_run_id, round, trial) DO NOTHING;
            """,
            connection);
        command.Parameters.AddWithValue("sweep", sweepRunId);
        command.Parameters.AddWithValue("max", (long)maxAttempts);
        command.Parameters.AddWithValue("rounds", trials.Select(t => (long)t.Round).ToArray());
        command.Parameters.AddWithValue("trials", trials.Select(t => (long)t.Index).ToArray());
        command.Parameters.AddWithValue("names", trials.Select(t => t.Name).ToArray());
        command.Parameters.AddWithValue("specs", trials.Select(t => t.Spec).ToArray());
        return command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public int RetryFailedTrials(string sweepRunId) => InQueue((c, t) => SqlTrialQueue.Postgres.RetryFailed(c, t, sweepRunId));

    /// <inheritdoc/>
    public TrialClaim? ClaimTrial(string worker, string? sweepRunId, TimeSpan lease) =>
        InQueue((c, t) => SqlTrialQueue.Postgres.Claim(c, t, worker, sweepRunId, lease));

    /// <inheritdoc/>
    public bool AttachRun(long trialId, string token, string runId) => Alone(c => SqlTrialQueue.Postgres.AttachRun(c, null, trialId, token, runId));

    /// <inheritdoc/>
    public bool RenewLease(long trialId, string token, TimeSpan lease) => Alone(c => SqlTrialQueue.Postgres.Renew(c, null, trialId, token, lease));

    /// <inheritdoc/>
    public bool CompleteTrial(long trialId, string token, RunStatus status, string? error) =>
        InQueue((c, t) => SqlTrialQueue.Postgres.Complete(c, t, trialId, token, status, error));

    /// <inheritdoc/>
    public bool ReleaseTrial(long trialId, string token, string reason) => InQueue((c, t) => SqlTrialQueue.Postgres.Release(c, t, trialId, token, reason));

    /// <inheritdoc/>
    public IReadOnlyList<TrialState> ListTrials(string sweepRunId) => InQueue((c, t) => SqlTrialQueue.Postgres.List(c, t, sweepRunId));

    /// <summary>A queue step of one statement, atomic on its own: no transaction, so no COMMIT round trip.</summary>
    private T Alone<T>(Func<NpgsqlConnection, T> step)
    {
        using var connection = Open();
        return step(connection);
    }

    private T InQueue<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> step)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var result = step(connection, transaction);
        transaction.Commit();
        return result;
    }
}
