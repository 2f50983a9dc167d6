using System.Data.Common;
using System.Globalization;
using Podium.Tracking.Schema;

namespace Podium.Tracking.Stores;

/// <summary>
/// The trial queue in SQL, for SQLite and PostgreSQL alike; each call runs inside the caller's transaction (SQLite's
/// immediate transaction serialises claims; PostgreSQL's rows are locked with FOR UPDATE SKIP LOCKED, so claimers pass
/// each other). Times are the store's: SQLite's machine clock, PostgreSQL's server clock, so workers' clocks may differ.
/// </summary>
/// <param name="Now">An SQL expression for the store's time now in Unix milliseconds.</param>
/// <param name="SkipLocked">What follows a SELECT of rows to claim: FOR UPDATE SKIP LOCKED where the store has row locks.</param>
internal sealed record SqlTrialQueue(string Now, string SkipLocked)
{
    public static SqlTrialQueue Sqlite { get; } = new("CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)", "");

    public static SqlTrialQueue Postgres { get; } = new("CAST(extract(epoch FROM clock_timestamp()) * 1000 AS bigint)", " FOR UPDATE SKIP LOCKED");

    private const string Columns = "id, sweep_run_id, round, trial, name, spec, attempts, token, lease_expires";

    /// <summary>The queue's table, in each store's words for a key, text and a whole number.</summary>
    public static string Schema(string key, string text, string whole) => $"""
        CREATE TABLE sweep_trials (
            id {key},
            sweep_run_id {text} NOT NULL,
            round {whole} NOT NULL,
            trial {whole} NOT NULL,
            name {text} NOT NULL,
            spec {text} NOT NULL,
            status {text} NOT NULL,
            attempts {whole} NOT NULL,
            max_attempts {whole} NOT NULL,
            worker {text},
            token {text},
            lease_expires {whole},
            run_id {text},
            errors {text} NOT NULL,
            enqueued_at {whole} NOT NULL,
            updated_at {whole} NOT NULL,
            UNIQUE (sweep_run_id, round, trial)
        );
        CREATE INDEX sweep_trials_by_sweep ON sweep_trials(sweep_run_id, round, trial);
        -- Only the pending and the running trials: a claim finds the first pending one, and the running ones whose
        -- lease ran out, without stepping over the thousands already done (whatever the planner's statistics say).
        CREATE INDEX sweep_trials_pending ON sweep_trials(id) WHERE status = 'pending';
        CREATE INDEX sweep_trials_pending_by_sweep ON sweep_trials(sweep_run_id, id) WHERE status = 'pending';
        CREATE INDEX sweep_trials_leases ON sweep_trials(lease_expires) WHERE status = 'running';
        """;

    public int Enqueue(DbConnection connection, DbTransaction transaction, string sweepRunId, IReadOnlyList<QueuedTrial> trials, int maxAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        using var command = Command(connection, transaction,
            $"""
            INSERT INTO sweep_trials(sweep_run_id, round, trial, name, spec, status, attempts, max_attempts, errors, enqueued_at, updated_at)
            VALUES (@sweep, @round, @trial, @name, @spec, 'pending', 0, @max, '', {Now}, {Now})
            ON CONFLICT (sweep_run_id, round, trial) DO NOTHING;
            """,
            ("sweep", sweepRunId), ("max", (long)maxAttempts));
        var round = Add(command, "round", 0L);
        var trial = Add(command, "trial", 0L);
        var name = Add(command, "name", "");
        var spec = Add(command, "spec", "");
        var added = 0;
        foreach (var t in trials)
        {
            (round.Value, trial.Value, name.Value, spec.Value) = ((long)t.Round, (long)t.Index, t.Name, t.Spec);
            added += command.ExecuteNonQuery();
        }

        return added;
    }

    public int RetryFailed(DbConnection connection, DbTransaction transaction, string sweepRunId)
    {
        using var command = Command(connection, transaction,
            $"UPDATE sweep_trials SET status = 'pending', attempts = 0, worker = NULL, token = NULL, lease_expires = NULL, updated_at = {Now} WHERE sweep_run_id = @sweep AND status = 'failed';",
            ("sweep", sweepRunId));
        return command.ExecuteNonQuery();
    }

    public TrialClaim? Claim(DbConnection connection, DbTransaction transaction, string worker, string? sweepRunId, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        Expire(connection, transaction);
        var token = Guid.NewGuid().ToString("N");
        using var claim = Command(connection, transaction,
            $"""
            UPDATE sweep_trials SET status = 'running', attempts = attempts + 1, worker = @worker, token = @token,
                lease_expires = {Now} + @lease, run_id = NULL, updated_at = {Now}
            WHERE status = 'pending' AND id = (
                SELECT id FROM sweep_trials WHERE status = 'pending'{(sweepRunId is null ? "" : " AND sweep_run_id = @sweep")} ORDER BY id LIMIT 1{SkipLocked})
            RETURNING {Columns};
            """,
            ("worker", worker), ("token", token), ("lease", (long)lease.TotalMilliseconds), ("sweep", sweepRunId ?? ""));
        using var reader = claim.ExecuteReader();
        return reader.Read()
            ? new TrialClaim(reader.GetInt64(0), reader.GetString(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3), reader.GetString(4), reader.GetString(5),
                (int)reader.GetInt64(6), reader.GetString(7), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)))
            : null;
    }

    /// <summary>Puts back every trial whose lease ran out: its run goes to the trash marked failed; past the attempt limit the trial is failed.</summary>
    private void Expire(DbConnection connection, DbTransaction transaction)
    {
        var expired = new List<(long Id, string? RunId, long Attempts, string? Worker)>();
        using (var select = Command(connection, transaction,
            $"SELECT id, run_id, attempts, worker FROM sweep_trials WHERE status = 'running' AND lease_expires < {Now} ORDER BY id{SkipLocked};"))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                expired.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        foreach (var (id, runId, attempts, worker) in expired)
        {
            var reason = $"attempt {attempts} on {worker}: its lease ran out (the worker died or lost the store)";
            Abandon(connection, transaction, runId, RunStatus.Failed, reason);
            using var update = Command(connection, transaction,
                $"""
                UPDATE sweep_trials SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                    token = NULL, lease_expires = NULL, errors = errors || @reason, updated_at = {Now}
                WHERE id = @id;
                """,
                ("reason", reason + "\n"), ("id", id));
            update.ExecuteNonQuery();
        }
    }

    /// <summary>An attempt's run that will not be completed: failed (or killed), with the reason, and in the trash, so the trial has one run in use.</summary>
    private void Abandon(DbConnection connection, DbTransaction transaction, string? runId, RunStatus status, string reason)
    {
        if (runId is null)
        {
            return;
        }

        using (var run = Command(connection, transaction,
            $"UPDATE runs SET status = CASE WHEN status = 'running' THEN @status ELSE status END, end_time = coalesce(end_time, {Now}), trashed_at = {Now} WHERE id = @run;",
            ("status", status.ToText()), ("run", runId)))
        {
            run.ExecuteNonQuery();
        }

        using var tag = Command(connection, transaction,
            "INSERT INTO tags(run_pk, key, value) SELECT pk, @key, @value FROM runs WHERE id = @run ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value;",
            ("key", RunTags.SweepAbandoned), ("value", reason), ("run", runId));
        tag.ExecuteNonQuery();
    }

    public bool AttachRun(DbConnection connection, DbTransaction? transaction, long trialId, string token, string runId)
    {
        using var command = Command(connection, transaction,
            $"UPDATE sweep_trials SET run_id = @run, updated_at = {Now} WHERE id = @id AND token = @token AND status = 'running';",
            ("run", runId), ("id", trialId), ("token", token));
        return command.ExecuteNonQuery() == 1;
    }

    public bool Renew(DbConnection connection, DbTransaction? transaction, long trialId, string token, TimeSpan lease)
    {
        // A lease that ran out is still this worker's until another claim puts the trial back: nobody else has it.
        using var command = Command(connection, transaction,
            $"UPDATE sweep_trials SET lease_expires = {Now} + @lease, updated_at = {Now} WHERE id = @id AND token = @token AND status = 'running';",
            ("lease", (long)lease.TotalMilliseconds), ("id", trialId), ("token", token));
        return command.ExecuteNonQuery() == 1;
    }

    public bool Complete(DbConnection connection, DbTransaction? transaction, long trialId, string token, RunStatus status, string? error)
    {
        string? runId;
        using (var trial = Command(connection, transaction,
            $"""
            UPDATE sweep_trials SET status = @status, token = NULL, lease_expires = NULL, errors = errors || @error, updated_at = {Now}
            WHERE id = @id AND token = @token AND status = 'running'
            RETURNING run_id;
            """,
            ("status", status == RunStatus.Finished ? "done" : "failed"), ("error", error is null ? "" : error + "\n"), ("id", trialId), ("token", token)))
        using (var reader = trial.ExecuteReader())
        {
            if (!reader.Read())
            {
                return false;
            }

            runId = reader.IsDBNull(0) ? null : reader.GetString(0);
        }

        if (runId is not null)
        {
            using var run = Command(connection, transaction, $"UPDATE runs SET status = @status, end_time = {Now} WHERE id = @run;", ("status", status.ToText()), ("run", runId));
            run.ExecuteNonQuery();
        }

        return true;
    }

    public bool Release(DbConnection connection, DbTransaction transaction, long trialId, string token, string reason)
    {
        string? runId;
        using (var check = Command(connection, transaction, $"SELECT run_id FROM sweep_trials WHERE id = @id AND token = @token AND status = 'running';", ("id", trialId), ("token", token)))
        using (var reader = check.ExecuteReader())
        {
            if (!reader.Read())
            {
                return false;
            }

            runId = reader.IsDBNull(0) ? null : reader.GetString(0);
        }

        Abandon(connection, transaction, runId, RunStatus.Killed, reason);
        using var update = Command(connection, transaction,
            $"UPDATE sweep_trials SET status = 'pending', attempts = attempts - 1, token = NULL, lease_expires = NULL, run_id = NULL, updated_at = {Now} WHERE id = @id;",
            ("id", trialId));
        update.ExecuteNonQuery();
        return true;
    }

    public List<TrialState> List(DbConnection connection, DbTransaction? transaction, string sweepRunId)
    {
        using var command = Command(connection, transaction,
            "SELECT id, round, trial, name, status, attempts, max_attempts, worker, lease_expires, run_id, errors, spec FROM sweep_trials WHERE sweep_run_id = @sweep ORDER BY round, trial;",
            ("sweep", sweepRunId));
        using var reader = command.ExecuteReader();
        var list = new List<TrialState>();
        while (reader.Read())
        {
            list.Add(new TrialState(
                reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), reader.GetString(3),
                Enum.Parse<TrialStatus>(reader.GetString(4), ignoreCase: true), (int)reader.GetInt64(5), (int)reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetString(10),
                reader.GetString(11)));
        }

        return list;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        return command;
    }

    private static DbParameter Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        if (value is null)
        {
            parameter.DbType = System.Data.DbType.String;
        }

        command.Parameters.Add(parameter);
        return parameter;
    }
}
