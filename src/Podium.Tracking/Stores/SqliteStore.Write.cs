using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Podium.Tracking.Stores;

internal sealed partial class SqliteStore
{
    /// <inheritdoc/>
    public RunInfo CreateRun(NewRun run)
    {
        Writable();
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Experiment);
        var id = Guid.NewGuid().ToString("N");
        var name = string.IsNullOrWhiteSpace(run.Name) ? "run-" + id[..8] : run.Name;
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            using (var insert = Command("INSERT INTO experiments(name, created_at) VALUES (@name, @now) ON CONFLICT(name) DO NOTHING;", transaction))
            {
                insert.Parameters.AddWithValue("@name", run.Experiment);
                insert.Parameters.AddWithValue("@now", run.StartTime.ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
            }

            using var command = Command(
                $"""
                INSERT INTO runs({StoreRows.NewRunColumns})
                VALUES (@id, @name, (SELECT id FROM experiments WHERE name = @experiment), 'running', {StoreRows.NewRunValues})
                RETURNING pk;
                """,
                transaction);
            command.Parameters.AddWithValue("@experiment", run.Experiment);
            StoreRows.AddNewRun(command, id, name, run);
            var pk = (long)command.ExecuteScalar()!;
            transaction.Commit();
            _runKeys[id] = pk;
            return new RunInfo(id, name, run.Experiment, RunStatus.Running, FromMs(run.StartTime.ToUnixTimeMilliseconds()), null,
                run.Seed, run.ParentRunId, run.Source, run.Environment);
        }
    }

    /// <inheritdoc/>
    public void LogBatch(string runId, RunBatch batch)
    {
        Writable();
        if (batch.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            var newKeys = new Dictionary<string, long>(StringComparer.Ordinal);
            using (var transaction = _connection.BeginTransaction(deferred: false))
            {
                var run = RunKey(runId, transaction);
                WriteParams(run, batch.Params, transaction);
                WriteTags(run, batch.Tags, transaction);
                WriteMetrics(run, batch.Metrics, transaction, newKeys);
                transaction.Commit();
            }

            // Only keys whose creation committed may be cached.
            foreach (var (key, id) in newKeys)
            {
                _metricKeys[key] = id;
            }
        }
    }

    private void WriteParams(long run, List<KeyValuePair<string, ParamValue>> items, SqliteTransaction transaction)
    {
        if (items.Count == 0)
        {
            return;
        }

        using var select = Command("SELECT kind, text FROM params WHERE run_pk = @run AND key = @key;", transaction);
        var selectKey = select.Parameters.Add("@key", SqliteType.Text);
        select.Parameters.AddWithValue("@run", run);
        using var insert = Command("INSERT INTO params(run_pk, key, kind, text, num) VALUES (@run, @key, @kind, @text, @num);", transaction);
        insert.Parameters.AddWithValue("@run", run);
        var key = insert.Parameters.Add("@key", SqliteType.Text);
        var kind = insert.Parameters.Add("@kind", SqliteType.Integer);
        var text = insert.Parameters.Add("@text", SqliteType.Text);
        var num = insert.Parameters.Add("@num", SqliteType.Real);
        var seen = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var (name, value) in items)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (seen.TryGetValue(name, out var earlier))
            {
                if (earlier != value)
                {
                    throw new ParamConflictException(name, earlier, value);
                }

                continue;
            }

            selectKey.Value = name;
            using (var reader = select.ExecuteReader())
            {
                if (reader.Read())
                {
                    var stored = ParamValue.FromStored((ParamKind)reader.GetInt32(0), reader.GetString(1));
                    if (stored.Kind != value.Kind || stored.Text != value.Text)
                    {
                        throw new ParamConflictException(name, stored, value);
                    }

                    seen[name] = value;
                    continue;
                }
            }

            seen[name] = value;
            key.Value = name;
            kind.Value = (int)value.Kind;
            text.Value = value.Text;
            num.Value = value.Number is { } n && double.IsFinite(n) ? n : DBNull.Value;
            insert.ExecuteNonQuery();
        }
    }

    private void WriteTags(long run, List<KeyValuePair<string, string>> items, SqliteTransaction transaction)
    {
        if (items.Count == 0)
        {
            return;
        }

        using var upsert = Command("INSERT INTO tags(run_pk, key, value) VALUES (@run, @key, @value) ON CONFLICT(run_pk, key) DO UPDATE SET value = excluded.value;", transaction);
        upsert.Parameters.AddWithValue("@run", run);
        var key = upsert.Parameters.Add("@key", SqliteType.Text);
        var value = upsert.Parameters.Add("@value", SqliteType.Text);
        foreach (var (name, text) in items)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(text);
            key.Value = name;
            value.Value = text;
            upsert.ExecuteNonQuery();
        }
    }

    private void WriteMetrics(long run, MetricBatch series, SqliteTransaction transaction, Dictionary<string, long> newKeys)
    {
        if (series.Count == 0)
        {
            return;
        }

        foreach (var (key, _) in series)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
        }

        using var read = Command("SELECT last, last_step, min, min_step, max, max_step, count, chunks FROM metric_summaries WHERE run_pk = @run AND key_id = @key;", transaction);
        read.Parameters.AddWithValue("@run", run);
        var readKey = read.Parameters.Add("@key", SqliteType.Integer);
        using var chunk = Command("INSERT INTO metric_chunks(run_pk, key_id, seq, count, data) VALUES (@run, @key, @seq, @count, @data);", transaction);
        chunk.Parameters.AddWithValue("@run", run);
        var chunkKey = chunk.Parameters.Add("@key", SqliteType.Integer);
        var chunkSeq = chunk.Parameters.Add("@seq", SqliteType.Integer);
        var chunkCount = chunk.Parameters.Add("@count", SqliteType.Integer);
        var chunkData = chunk.Parameters.Add("@data", SqliteType.Blob);
        using var write = Command(
            """
            INSERT INTO metric_summaries(run_pk, key_id, last, last_sort, last_step, min, min_step, max, max_step, count, chunks)
            VALUES (@run, @key, @last, @sort, @lastStep, @min, @minStep, @max, @maxStep, @count, @chunks)
            ON CONFLICT(run_pk, key_id) DO UPDATE SET last = excluded.last, last_sort = excluded.last_sort,
                last_step = excluded.last_step, min = excluded.min, min_step = excluded.min_step, max = excluded.max,
                max_step = excluded.max_step, count = excluded.count, chunks = excluded.chunks;
            """,
            transaction);
        write.Parameters.AddWithValue("@run", run);
        var w = write.Parameters;
        var wKey = w.Add("@key", SqliteType.Integer);
        var wLast = w.Add("@last", SqliteType.Real);
        var wSort = w.Add("@sort", SqliteType.Real);
        var wLastStep = w.Add("@lastStep", SqliteType.Integer);
        var wMin = w.Add("@min", SqliteType.Real);
        var wMinStep = w.Add("@minStep", SqliteType.Integer);
        var wMax = w.Add("@max", SqliteType.Real);
        var wMaxStep = w.Add("@maxStep", SqliteType.Integer);
        var wCount = w.Add("@count", SqliteType.Integer);
        var wChunks = w.Add("@chunks", SqliteType.Integer);

        foreach (var (name, points) in series)
        {
            var keyId = MetricKey(name, transaction, newKeys);
            readKey.Value = keyId;
            MetricSummary? summary = null;
            long chunks = 0;
            using (var reader = read.ExecuteReader())
            {
                if (reader.Read())
                {
                    summary = new MetricSummary(name, Real(reader, 0), reader.GetInt64(1), Real(reader, 2), reader.GetInt64(3),
                        Real(reader, 4), reader.GetInt64(5), reader.GetInt64(6));
                    chunks = reader.GetInt64(7);
                }
            }

            foreach (var point in points)
            {
                summary = summary is null ? MetricSummary.Of(name, point) : summary.With(point);
            }

            chunkKey.Value = keyId;
            chunkSeq.Value = chunks;
            chunkCount.Value = points.Count;
            chunkData.Value = MetricChunk.Encode(points);
            chunk.ExecuteNonQuery();

            wKey.Value = keyId;
            wLast.Value = DbReal(summary!.Last);
            wSort.Value = double.IsFinite(summary.Last) ? summary.Last : DBNull.Value;
            wLastStep.Value = summary.LastStep;
            wMin.Value = DbReal(summary.Min);
            wMinStep.Value = summary.MinStep;
            wMax.Value = DbReal(summary.Max);
            wMaxStep.Value = summary.MaxStep;
            wCount.Value = summary.Count;
            wChunks.Value = chunks + 1;
            write.ExecuteNonQuery();
        }
    }

    // SQLite turns NaN into NULL when binding; say so explicitly so reading NULL back as NaN is the rule.
    private static object DbReal(double value) => StoreRows.DbReal(value);

    private static double Real(SqliteDataReader reader, int ordinal) => StoreRows.Real(reader, ordinal);

    private long MetricKey(string key, SqliteTransaction transaction, Dictionary<string, long> newKeys)
    {
        if (_metricKeys.TryGetValue(key, out var id) || newKeys.TryGetValue(key, out id))
        {
            return id;
        }

        using var command = Command("INSERT INTO metric_keys(key) VALUES (@key) ON CONFLICT(key) DO NOTHING; SELECT id FROM metric_keys WHERE key = @key;", transaction);
        command.Parameters.AddWithValue("@key", key);
        id = (long)command.ExecuteScalar()!;
        newKeys[key] = id;
        return id;
    }

    private long RunKey(string runId, SqliteTransaction? transaction = null)
    {
        if (_runKeys.TryGetValue(runId, out var pk))
        {
            return pk;
        }

        using var command = Command("SELECT pk FROM runs WHERE id = @id;", transaction);
        command.Parameters.AddWithValue("@id", runId);
        pk = command.ExecuteScalar() is long found ? found : throw new KeyNotFoundException($"no run with id '{runId}' in {DatabasePath}");
        _runKeys[runId] = pk;
        return pk;
    }

    /// <inheritdoc/>
    public void EndRun(string runId, RunStatus status, DateTimeOffset endTime)
    {
        Writable();
        lock (_gate)
        {
            using var command = Command("UPDATE runs SET status = @status, end_time = @end WHERE pk = @pk;");
            command.Parameters.AddWithValue("@status", status.ToText());
            command.Parameters.AddWithValue("@end", endTime.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@pk", RunKey(runId));
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public void ResumeRun(string runId)
    {
        Writable();
        lock (_gate)
        {
            using var command = Command("UPDATE runs SET status = @status, end_time = NULL WHERE pk = @pk;");
            command.Parameters.AddWithValue("@status", RunStatus.Running.ToText());
            command.Parameters.AddWithValue("@pk", RunKey(runId));
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public void UpdateRun(string runId, RunUpdate update)
    {
        Writable();
        if (update.Name is { } name)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(update));
        }

        if (update.Experiment is { } experiment)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(experiment, nameof(update));
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            var pk = RunKey(runId, transaction);
            if (update.Experiment is not null)
            {
                using var insert = Command("INSERT INTO experiments(name, created_at) VALUES (@name, @now) ON CONFLICT(name) DO NOTHING;", transaction);
                insert.Parameters.AddWithValue("@name", update.Experiment);
                insert.Parameters.AddWithValue("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
            }

            using var command = Command(
                """
                UPDATE runs SET name = coalesce(@name, name),
                    experiment_id = coalesce((SELECT id FROM experiments WHERE name = @experiment), experiment_id)
                WHERE pk = @pk;
                """,
                transaction);
            command.Parameters.AddWithValue("@name", (object?)update.Name ?? DBNull.Value);
            command.Parameters.AddWithValue("@experiment", (object?)update.Experiment ?? DBNull.Value);
            command.Parameters.AddWithValue("@pk", pk);
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <inheritdoc/>
    public void DeleteTag(string runId, string key)
    {
        Writable();
        lock (_gate)
        {
            using var command = Command("DELETE FROM tags WHERE run_pk = @pk AND key = @key;");
            command.Parameters.AddWithValue("@pk", RunKey(runId));
            command.Parameters.AddWithValue("@key", key);
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public void SetDeleted(string runId, bool deleted)
    {
        Writable();
        lock (_gate)
        {
            using var command = Command("UPDATE runs SET trashed_at = @at WHERE pk = @pk;");
            command.Parameters.AddWithValue("@at", deleted ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : DBNull.Value);
            command.Parameters.AddWithValue("@pk", RunKey(runId));
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public void PurgeRun(string runId)
    {
        Writable();
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            var pk = RunKey(runId, transaction);
            using (var check = Command("SELECT trashed_at IS NOT NULL FROM runs WHERE pk = @pk;", transaction))
            {
                check.Parameters.AddWithValue("@pk", pk);
                if ((long)check.ExecuteScalar()! == 0)
                {
                    throw new ArgumentException($"run {runId[..Math.Min(8, runId.Length)]} is not in the trash; delete it first", nameof(runId));
                }
            }

            using (var command = Command(
                StoreRows.PurgeRun,
                transaction))
            {
                command.Parameters.AddWithValue("@pk", pk);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            _runKeys.Remove(runId);
        }

        // The files go after the rows: a crash in between leaves files no run names, never a run without its files.
        var folder = Path.Combine(ArtifactRoot, runId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <inheritdoc/>
    public void LogDataset(string runId, DatasetRecord dataset, string role, string? augmentationsJson)
    {
        Writable();
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        if (augmentationsJson is not null)
        {
            using var _ = JsonDocument.Parse(augmentationsJson); // Refuse text that is not JSON.
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            var run = RunKey(runId, transaction);
            using var upsert = Command(
                """
                INSERT INTO datasets(name, fingerprint, splits, class_names, num_classes, source)
                VALUES (@name, @fingerprint, @splits, @classes, @count, @source)
                ON CONFLICT(fingerprint, name) DO NOTHING;
                SELECT id FROM datasets WHERE fingerprint = @fingerprint AND name = @name;
                """,
                transaction);
            upsert.Parameters.AddWithValue("@name", dataset.Name);
            upsert.Parameters.AddWithValue("@fingerprint", dataset.Fingerprint);
            upsert.Parameters.AddWithValue("@splits", JsonSerializer.Serialize(dataset.Splits));
            upsert.Parameters.AddWithValue("@classes", JsonSerializer.Serialize(dataset.ClassNames));
            upsert.Parameters.AddWithValue("@count", dataset.ClassNames.Count);
            upsert.Parameters.AddWithValue("@source", dataset.Source);
            var datasetId = (long)upsert.ExecuteScalar()!;
            using var link = Command(
                """
                INSERT INTO run_datasets(run_pk, dataset_id, role, augmentations) VALUES (@run, @dataset, @role, @augs)
                ON CONFLICT(run_pk, role, dataset_id) DO UPDATE SET augmentations = excluded.augmentations;
                """,
                transaction);
            link.Parameters.AddWithValue("@run", run);
            link.Parameters.AddWithValue("@dataset", datasetId);
            link.Parameters.AddWithValue("@role", role);
            link.Parameters.AddWithValue("@augs", (object?)augmentationsJson ?? DBNull.Value);
            link.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <inheritdoc/>
    public void LogModel(string runId, ModelRecord model)
    {
        Writable();
        lock (_gate)
        {
            using var command = Command(
                """
                INSERT INTO models(run_pk, name, architecture, total_params, trainable_params, weight_bytes, dot)
                VALUES (@run, @name, @arch, @total, @trainable, @bytes, @dot)
                ON CONFLICT(run_pk) DO UPDATE SET name = excluded.name, architecture = excluded.architecture,
                    total_params = excluded.total_params, trainable_params = excluded.trainable_params,
                    weight_bytes = excluded.weight_bytes, dot = excluded.dot;
                """);
            command.Parameters.AddWithValue("@run", RunKey(runId));
            command.Parameters.AddWithValue("@name", model.Name);
            command.Parameters.AddWithValue("@arch", model.ArchitectureJson);
            command.Parameters.AddWithValue("@total", model.TotalParameters);
            command.Parameters.AddWithValue("@trainable", model.TrainableParameters);
            command.Parameters.AddWithValue("@bytes", model.WeightBytes);
            command.Parameters.AddWithValue("@dot", model.Dot);
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public ArtifactInfo LogArtifact(string runId, string path, Stream content)
    {
        Writable();
        var relative = ArtifactPath.Normalize(path);
        long run;
        lock (_gate)
        {
            run = RunKey(runId);
        }

        var (size, sha) = ArtifactPath.WriteFile(Path.GetFullPath(Path.Combine(ArtifactRoot, runId)), relative, content);
        lock (_gate)
        {
            using var command = Command(
                "INSERT INTO artifacts(run_pk, path, size, sha256) VALUES (@run, @path, @size, @sha) ON CONFLICT(run_pk, path) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256;");
            command.Parameters.AddWithValue("@run", run);
            command.Parameters.AddWithValue("@path", relative);
            command.Parameters.AddWithValue("@size", size);
            command.Parameters.AddWithValue("@sha", sha);
            command.ExecuteNonQuery();
        }

        return new ArtifactInfo(relative, size, sha);
    }

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
