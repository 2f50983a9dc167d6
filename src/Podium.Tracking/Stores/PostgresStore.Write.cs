using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Podium.Tracking.Stores;

internal sealed partial class PostgresStore
{
    /// <inheritdoc/>
    public RunInfo CreateRun(NewRun run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Experiment);
        var id = Guid.NewGuid().ToString("N");
        var name = string.IsNullOrWhiteSpace(run.Name) ? "run-" + id[..8] : run.Name;
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var experiment = Experiment(connection, run.Experiment, run.StartTime, transaction);
        using var command = new NpgsqlCommand(
            $"""
            INSERT INTO runs({StoreRows.NewRunColumns})
            VALUES (@id, @name, @experiment, 'running', {StoreRows.NewRunValues})
            RETURNING pk;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("experiment", experiment);
        StoreRows.AddNewRun(command, id, name, run);
        var pk = (long)command.ExecuteScalar()!;
        transaction.Commit();
        _runKeys[id] = pk;
        return new RunInfo(id, name, run.Experiment, RunStatus.Running, StoreRows.FromMs(run.StartTime.ToUnixTimeMilliseconds()), null,
            run.Seed, run.ParentRunId, run.Source, run.Environment);
    }

    /// <summary>The experiment's id, creating it when new.</summary>
    private static long Experiment(NpgsqlConnection connection, string name, DateTimeOffset now, NpgsqlTransaction transaction)
    {
        using var command = new NpgsqlCommand(
            """
            WITH added AS (INSERT INTO experiments(name, created_at) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING RETURNING id)
            SELECT id FROM added UNION ALL SELECT id FROM experiments WHERE name = @name;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
        if (command.ExecuteScalar() is long id)
        {
            return id;
        }

        // Another transaction added it between this one's insert and select: it is committed now.
        command.CommandText = "SELECT id FROM experiments WHERE name = @name;";
        return (long)command.ExecuteScalar()!;
    }

    /// <inheritdoc/>
    public void LogBatch(string runId, RunBatch batch)
    {
        if (batch.IsEmpty)
        {
            return;
        }

        using var connection = Open();
        var newKeys = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var transaction = connection.BeginTransaction())
        {
            var run = RunKey(connection, runId, transaction);
            WriteParams(connection, run, batch.Params, transaction);
            WriteTags(connection, run, batch.Tags, transaction);
            WriteMetrics(connection, run, batch.Metrics, transaction, newKeys);
            transaction.Commit();
        }

        foreach (var (key, id) in newKeys)
        {
            _metricKeys[key] = id;
        }
    }

    private static void WriteParams(NpgsqlConnection connection, long run, List<KeyValuePair<string, ParamValue>> items, NpgsqlTransaction transaction)
    {
        if (items.Count == 0)
        {
            return;
        }

        var batch = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var (name, value) in items)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (batch.TryGetValue(name, out var earlier) && earlier != value)
            {
                throw new ParamConflictException(name, earlier, value);
            }

            batch[name] = value;
        }

        var keys = batch.Keys.Order(StringComparer.Ordinal).ToArray();
        using (var read = new NpgsqlCommand("SELECT key, kind, text FROM params WHERE run_pk = @run AND key = ANY(@keys);", connection, transaction))
        {
            read.Parameters.AddWithValue("run", run);
            read.Parameters.AddWithValue("keys", keys);
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var name = reader.GetString(0);
                var stored = ParamValue.FromStored((ParamKind)reader.GetInt64(1), reader.GetString(2));
                var value = batch[name];
                if (stored.Kind != value.Kind || stored.Text != value.Text)
                {
                    throw new ParamConflictException(name, stored, value);
                }
            }
        }

        using var insert = new NpgsqlCommand(
            """
            INSERT INTO params(run_pk, key, kind, text, num)
            SELECT @run, k, d, t, n FROM unnest(@keys, @kinds, @texts, @nums) AS x(k, d, t, n)
            ON CONFLICT (run_pk, key) DO NOTHING;
            """,
            connection,
            transaction);
        insert.Parameters.AddWithValue("run", run);
        insert.Parameters.AddWithValue("keys", keys);
        insert.Parameters.AddWithValue("kinds", keys.Select(k => (long)batch[k].Kind).ToArray());
        insert.Parameters.AddWithValue("texts", keys.Select(k => batch[k].Text).ToArray());
        insert.Parameters.AddWithValue("nums", keys.Select(k => batch[k].Number is { } n && double.IsFinite(n) ? n : (double?)null).ToArray());
        insert.ExecuteNonQuery();
    }

    private static void WriteTags(NpgsqlConnection connection, long run, List<KeyValuePair<string, string>> items, NpgsqlTransaction transaction)
    {
        if (items.Count == 0)
        {
            return;
        }

        var last = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in items)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(text);
            last[name] = text;
        }

        using var upsert = new NpgsqlCommand(
            """
            INSERT INTO tags(run_pk, key, value) SELECT @run, k, v FROM unnest(@keys, @values) AS x(k, v)
            ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value;
            """,
            connection,
            transaction);
        upsert.Parameters.AddWithValue("run", run);
        upsert.Parameters.AddWithValue("keys", last.Keys.ToArray());
        upsert.Parameters.AddWithValue("values", last.Values.ToArray());
        upsert.ExecuteNonQuery();
    }

    private void WriteMetrics(NpgsqlConnection connection, long run, MetricBatch series, NpgsqlTransaction transaction, Dictionary<string, long> newKeys)
    {
        if (series.Count == 0)
        {
            return;
        }

        foreach (var (key, _) in series)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
        }

        var ids = MetricKeys(connection, series.Select(s => s.Key), transaction, newKeys);

        // What is stored so far, locked so that two writers of one run add their chunks one after the other.
        var stored = new Dictionary<long, (MetricSummary Summary, long Chunks)>();
        using (var read = new NpgsqlCommand(
            "SELECT key_id, last, last_step, min, min_step, max, max_step, count, chunks FROM metric_summaries WHERE run_pk = @run AND key_id = ANY(@keys) ORDER BY key_id FOR UPDATE;",
            connection,
            transaction))
        {
            read.Parameters.AddWithValue("run", run);
            read.Parameters.AddWithValue("keys", ids.Values.ToArray());
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                stored[reader.GetInt64(0)] = (
                    new MetricSummary("", StoreRows.Real(reader, 1), reader.GetInt64(2), StoreRows.Real(reader, 3), reader.GetInt64(4), StoreRows.Real(reader, 5), reader.GetInt64(6), reader.GetInt64(7)),
                    reader.GetInt64(8));
            }
        }

        var summaries = new List<(long Key, MetricSummary Summary, long Chunks)>(series.Count);
        using (var copy = connection.BeginBinaryImport("COPY metric_chunks (run_pk, key_id, seq, count, data) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (name, points) in series)
            {
                var keyId = ids[name];
                var (summary, chunks) = stored.TryGetValue(keyId, out var found) ? (found.Summary with { Key = name }, found.Chunks) : (null, 0L);
                foreach (var point in points)
                {
                    summary = summary is null ? MetricSummary.Of(name, point) : summary.With(point);
                }

                copy.StartRow();
                copy.Write(run, NpgsqlDbType.Bigint);
                copy.Write(keyId, NpgsqlDbType.Bigint);
                copy.Write(chunks, NpgsqlDbType.Bigint);
                copy.Write((long)points.Count, NpgsqlDbType.Bigint);
                copy.Write(MetricChunk.Encode(points), NpgsqlDbType.Bytea);
                summaries.Add((keyId, summary!, chunks + 1));
            }

            copy.Complete();
        }

        summaries.Sort((a, b) => a.Key.CompareTo(b.Key));
        using var write = new NpgsqlCommand(
            """
            INSERT INTO metric_summaries(run_pk, key_id, last, last_sort, last_step, min, min_step, max, max_step, count, chunks)
            SELECT @run, k, l, ls, lstep, mn, mnstep, mx, mxstep, c, ch
            FROM unnest(@keys, @last, @sort, @lastStep, @min, @minStep, @max, @maxStep, @count, @chunks) AS x(k, l, ls, lstep, mn, mnstep, mx, mxstep, c, ch)
            ON CONFLICT (run_pk, key_id) DO UPDATE SET last = excluded.last, last_sort = excluded.last_sort,
                last_step = excluded.last_step, min = excluded.min, min_step = excluded.min_step, max = excluded.max,
                max_step = excluded.max_step, count = excluded.count, chunks = excluded.chunks;
            """,
            connection,
            transaction);
        var w = write.Parameters;
        w.AddWithValue("run", run);
        w.AddWithValue("keys", summaries.Select(s => s.Key).ToArray());
        w.AddWithValue("last", summaries.Select(s => Nullable(s.Summary.Last)).ToArray());
        w.AddWithValue("sort", summaries.Select(s => double.IsFinite(s.Summary.Last) ? s.Summary.Last : (double?)null).ToArray());
        w.AddWithValue("lastStep", summaries.Select(s => s.Summary.LastStep).ToArray());
        w.AddWithValue("min", summaries.Select(s => Nullable(s.Summary.Min)).ToArray());
        w.AddWithValue("minStep", summaries.Select(s => s.Summary.MinStep).ToArray());
        w.AddWithValue("max", summaries.Select(s => Nullable(s.Summary.Max)).ToArray());
        w.AddWithValue("maxStep", summaries.Select(s => s.Summary.MaxStep).ToArray());
        w.AddWithValue("count", summaries.Select(s => s.Summary.Count).ToArray());
        w.AddWithValue("chunks", summaries.Select(s => s.Chunks).ToArray());
        write.ExecuteNonQuery();
    }

    private static double? Nullable(double value) => double.IsNaN(value) ? null : value;

    /// <summary>Ids of metric keys, adding the new ones (in sorted order, so two writers never wait on each other in a circle).</summary>
    private Dictionary<string, long> MetricKeys(NpgsqlConnection connection, IEnumerable<string> keys, NpgsqlTransaction transaction, Dictionary<string, long> newKeys)
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var key in keys)
        {
            if (_metricKeys.TryGetValue(key, out var id) || newKeys.TryGetValue(key, out id))
            {
                ids[key] = id;
            }
            else
            {
                missing.Add(key);
            }
        }

        if (missing.Count == 0)
        {
            return ids;
        }

        missing.Sort(StringComparer.Ordinal);
        using (var insert = new NpgsqlCommand("INSERT INTO metric_keys(key) SELECT unnest(@keys) ON CONFLICT (key) DO NOTHING;", connection, transaction))
        {
            insert.Parameters.AddWithValue("keys", missing.ToArray());
            insert.ExecuteNonQuery();
        }

        using var select = new NpgsqlCommand("SELECT key, id FROM metric_keys WHERE key = ANY(@keys);", connection, transaction);
        select.Parameters.AddWithValue("keys", missing.ToArray());
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            ids[reader.GetString(0)] = newKeys[reader.GetString(0)] = reader.GetInt64(1);
        }

        return ids;
    }

    /// <inheritdoc/>
    public void EndRun(string runId, RunStatus status, DateTimeOffset endTime) =>
        Update(runId, "UPDATE runs SET status = @status, end_time = @end WHERE pk = @pk;", ("status", status.ToText()), ("end", endTime.ToUnixTimeMilliseconds()));

    /// <inheritdoc/>
    public void ResumeRun(string runId) =>
        Update(runId, "UPDATE runs SET status = @status, end_time = NULL WHERE pk = @pk;", ("status", RunStatus.Running.ToText()));

    /// <inheritdoc/>
    public void DeleteTag(string runId, string key) => Update(runId, "DELETE FROM tags WHERE run_pk = @pk AND key = @key;", ("key", key));

    /// <inheritdoc/>
    public void SetDeleted(string runId, bool deleted) =>
        Update(runId, "UPDATE runs SET trashed_at = @at WHERE pk = @pk;", ("at", deleted ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : null));

    /// <summary>One statement about one run, whose key is @pk.</summary>
    private void Update(string runId, string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("pk", RunKey(connection, runId));
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value is null ? new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = DBNull.Value } : new NpgsqlParameter(name, value));
        }

        command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public void UpdateRun(string runId, RunUpdate update)
    {
        if (update.Name is { } name)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(update));
        }

        if (update.Experiment is { } experiment)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(experiment, nameof(update));
        }

        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var pk = RunKey(connection, runId, transaction);
        long? experimentId = update.Experiment is null ? null : Experiment(connection, update.Experiment, DateTimeOffset.UtcNow, transaction);
        using var command = new NpgsqlCommand("UPDATE runs SET name = coalesce(@name, name), experiment_id = coalesce(@experiment, experiment_id) WHERE pk = @pk;", connection, transaction);
        command.Parameters.AddWithValue("name", NpgsqlDbType.Text, (object?)update.Name ?? DBNull.Value);
        command.Parameters.AddWithValue("experiment", NpgsqlDbType.Bigint, (object?)experimentId ?? DBNull.Value);
        command.Parameters.AddWithValue("pk", pk);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <inheritdoc/>
    public void PurgeRun(string runId)
    {
        using (var connection = Open())
        using (var transaction = connection.BeginTransaction())
        {
            var pk = RunKey(connection, runId, transaction);
            using (var check = new NpgsqlCommand("SELECT trashed_at IS NOT NULL FROM runs WHERE pk = @pk FOR UPDATE;", connection, transaction))
            {
                check.Parameters.AddWithValue("pk", pk);
                if (check.ExecuteScalar() is not true)
                {
                    throw new ArgumentException($"run {runId[..Math.Min(8, runId.Length)]} is not in the trash; delete it first", nameof(runId));
                }
            }

            using (var command = new NpgsqlCommand(
                "DELETE FROM artifact_chunks WHERE run_pk = @pk;\n" + StoreRows.PurgeRun,
                connection,
                transaction))
            {
                command.Parameters.AddWithValue("pk", pk);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            _runKeys.TryRemove(runId, out _);
        }

        // Files under an artifact root go after the rows, as in SQLite: never a run without its files.
        if (Address.ArtifactRoot is { } root && Directory.Exists(Path.Combine(root, runId)))
        {
            Directory.Delete(Path.Combine(root, runId), recursive: true);
        }
    }

    /// <inheritdoc/>
    public void LogDataset(string runId, DatasetRecord dataset, string role, string? augmentationsJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        if (augmentationsJson is not null)
        {
            using var _ = JsonDocument.Parse(augmentationsJson); // Refuse text that is not JSON.
        }

        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var run = RunKey(connection, runId, transaction);
        using var upsert = new NpgsqlCommand(
            """
            WITH added AS (
                INSERT INTO datasets(name, fingerprint, splits, class_names, num_classes, source)
                VALUES (@name, @fingerprint, @splits, @classes, @count, @source)
                ON CONFLICT (fingerprint, name) DO NOTHING RETURNING id)
            SELECT id FROM added UNION ALL SELECT id FROM datasets WHERE fingerprint = @fingerprint AND name = @name;
            """,
            connection,
            transaction);
        upsert.Parameters.AddWithValue("name", dataset.Name);
        upsert.Parameters.AddWithValue("fingerprint", dataset.Fingerprint);
        upsert.Parameters.AddWithValue("splits", JsonSerializer.Serialize(dataset.Splits));
        upsert.Parameters.AddWithValue("classes", JsonSerializer.Serialize(dataset.ClassNames));
        upsert.Parameters.AddWithValue("count", (long)dataset.ClassNames.Count);
        upsert.Parameters.AddWithValue("source", dataset.Source);
        var datasetId = upsert.ExecuteScalar() is long id ? id : Reselect(upsert);
        using var link = new NpgsqlCommand(
            """
            INSERT INTO run_datasets(run_pk, dataset_id, role, augmentations) VALUES (@run, @dataset, @role, @augs)
            ON CONFLICT (run_pk, role, dataset_id) DO UPDATE SET augmentations = excluded.augmentations;
            """,
            connection,
            transaction);
        link.Parameters.AddWithValue("run", run);
        link.Parameters.AddWithValue("dataset", datasetId);
        link.Parameters.AddWithValue("role", role);
        link.Parameters.AddWithValue("augs", NpgsqlDbType.Text, (object?)augmentationsJson ?? DBNull.Value);
        link.ExecuteNonQuery();
        transaction.Commit();

        // Another transaction added the same dataset between the insert and the select: it is committed now.
        static long Reselect(NpgsqlCommand upsert)
        {
            upsert.CommandText = "SELECT id FROM datasets WHERE fingerprint = @fingerprint AND name = @name;";
            return (long)upsert.ExecuteScalar()!;
        }
    }

    /// <inheritdoc/>
    public void LogModel(string runId, ModelRecord model)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand(
            """
            INSERT INTO models(run_pk, name, architecture, total_params, trainable_params, weight_bytes, dot)
            VALUES (@run, @name, @arch, @total, @trainable, @bytes, @dot)
            ON CONFLICT (run_pk) DO UPDATE SET name = excluded.name, architecture = excluded.architecture,
                total_params = excluded.total_params, trainable_params = excluded.trainable_params,
                weight_bytes = excluded.weight_bytes, dot = excluded.dot;
            """,
            connection);
        command.Parameters.AddWithValue("run", RunKey(connection, runId));
        command.Parameters.AddWithValue("name", model.Name);
        command.Parameters.AddWithValue("arch", model.ArchitectureJson);
        command.Parameters.AddWithValue("total", model.TotalParameters);
        command.Parameters.AddWithValue("trainable", model.TrainableParameters);
        command.Parameters.AddWithValue("bytes", model.WeightBytes);
        command.Parameters.AddWithValue("dot", model.Dot);
        command.ExecuteNonQuery();
    }
}
