using System.Text.Json;
using Microsoft.Data.Sqlite;
using Podium.Tracking.Query;

namespace Podium.Tracking.Stores;

internal sealed partial class SqliteStore
{
    /// <inheritdoc/>
    public IReadOnlyList<Experiment> ListExperiments()
    {
        lock (_gate)
        {
            using var command = Command("SELECT id, name, created_at FROM experiments ORDER BY id;");
            using var reader = command.ExecuteReader();
            var list = new List<Experiment>();
            while (reader.Read())
            {
                list.Add(new Experiment(reader.GetInt64(0), reader.GetString(1), FromMs(reader.GetInt64(2))));
            }

            return list;
        }
    }

    /// <inheritdoc/>
    public RunRecord? GetRun(string runIdOrPrefix)
    {
        ArgumentNullException.ThrowIfNull(runIdOrPrefix);
        var prefix = runIdOrPrefix.Trim().ToLowerInvariant();
        if (prefix.Length == 0 || !prefix.All(Uri.IsHexDigit))
        {
            return null;
        }

        lock (_gate)
        {
            using var command = Command("SELECT pk, id FROM runs WHERE id LIKE @prefix || '%' ORDER BY id LIMIT 2;");
            command.Parameters.AddWithValue("@prefix", prefix);
            var found = new List<(long Pk, string Id)>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    found.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }

            if (found.Count > 1 && found[0].Id != prefix)
            {
                throw new ArgumentException($"run id prefix '{runIdOrPrefix}' matches more than one run ({found[0].Id}, {found[1].Id}, …); give more characters");
            }

            return found.Count == 0 ? null : LoadRecords([found[0].Pk])[0];
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<MetricPoint> GetMetricHistory(string runId, string key)
    {
        lock (_gate)
        {
            using var command = Command(
                "SELECT c.data FROM metric_chunks c JOIN metric_keys k ON k.id = c.key_id WHERE c.run_pk = @run AND k.key = @key ORDER BY c.seq;");
            command.Parameters.AddWithValue("@run", RunKey(runId));
            command.Parameters.AddWithValue("@key", key);
            using var reader = command.ExecuteReader();
            var points = new List<MetricPoint>();
            while (reader.Read())
            {
                MetricChunk.Decode((byte[])reader.GetValue(0), points);
            }

            return points;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<ArtifactInfo> ListArtifacts(string runId)
    {
        lock (_gate)
        {
            using var command = Command("SELECT path, size, sha256 FROM artifacts WHERE run_pk = @run ORDER BY path;");
            command.Parameters.AddWithValue("@run", RunKey(runId));
            using var reader = command.ExecuteReader();
            var list = new List<ArtifactInfo>();
            while (reader.Read())
            {
                list.Add(new ArtifactInfo(reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
            }

            return list;
        }
    }

    /// <inheritdoc/>
    public Stream OpenArtifact(string runId, string path)
    {
        var relative = ArtifactPath.Normalize(path);
        if (!ListArtifacts(runId).Any(a => a.Path == relative))
        {
            throw new FileNotFoundException($"run {runId} has no artifact '{relative}'");
        }

        return File.OpenRead(Path.Combine(ArtifactRoot, runId, relative));
    }

    /// <inheritdoc/>
    public IReadOnlyList<RunRecord> SearchRuns(RunQuery query)
    {
        var (sql, parameters) = SqlCompiler.CompileSelect(query, SqliteDialect.Instance);
        lock (_gate)
        {
            using var command = Command(sql);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            var keys = new List<long>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    keys.Add(reader.GetInt64(0));
                }
            }

            var records = new List<RunRecord>(keys.Count);
            // Bounded pieces keep each IN-list query small on a store of 100,000 runs.
            foreach (var piece in keys.Chunk(2000))
            {
                records.AddRange(LoadRecords(piece));
            }

            return records;
        }
    }

    /// <inheritdoc/>
    public long CountRuns(RunQuery query)
    {
        var (sql, parameters) = SqlCompiler.CompileCount(query, SqliteDialect.Instance);
        lock (_gate)
        {
            using var command = Command(sql);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>Loads whole records for run keys, in the given order, with one query per table.</summary>
    private List<RunRecord> LoadRecords(IReadOnlyList<long> keys)
    {
        var ids = JsonSerializer.Serialize(keys);
        var infos = new Dictionary<long, RunInfo>();
        var parameters = keys.ToDictionary(k => k, _ => new Dictionary<string, ParamValue>(StringComparer.Ordinal));
        var metrics = keys.ToDictionary(k => k, _ => new Dictionary<string, MetricSummary>(StringComparer.Ordinal));
        var tags = keys.ToDictionary(k => k, _ => new Dictionary<string, string>(StringComparer.Ordinal));
        var datasets = keys.ToDictionary(k => k, _ => new List<DatasetUse>());
        var models = new Dictionary<long, ModelRecord>();

        const string InKeys = "IN (SELECT value FROM json_each(@keys))";
        Read($"""
            SELECT r.pk, r.id, r.name, e.name, r.status, r.start_time, r.end_time, r.seed, r.parent_run_id,
                   r.git_commit, r.git_dirty, r.command_line, r.env_os, r.env_cpu, r.env_runtime, r.env_podium, r.env_host
            FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.pk {InKeys};
            """, ids, r =>
        {
            RunStatuses.TryParse(r.GetString(4), out var status);
            infos[r.GetInt64(0)] = new RunInfo(
                r.GetString(1), r.GetString(2), r.GetString(3), status, FromMs(r.GetInt64(5)),
                r.IsDBNull(6) ? null : FromMs(r.GetInt64(6)),
                r.IsDBNull(7) ? null : r.GetInt64(7),
                r.IsDBNull(8) ? null : r.GetString(8),
                new RunSource(r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetInt64(10) != 0, r.GetString(11)),
                new RunEnvironment(r.GetString(12), r.GetString(13), r.GetString(14), r.GetString(15), r.GetString(16)));
        });
        Read($"SELECT run_pk, key, kind, text FROM params WHERE run_pk {InKeys} ORDER BY run_pk, key;", ids, r =>
            parameters[r.GetInt64(0)][r.GetString(1)] = ParamValue.FromStored((ParamKind)r.GetInt32(2), r.GetString(3)));
        Read($"""
            SELECT s.run_pk, k.key, s.last, s.last_step, s.min, s.min_step, s.max, s.max_step, s.count
            FROM metric_summaries s JOIN metric_keys k ON k.id = s.key_id WHERE s.run_pk {InKeys} ORDER BY s.run_pk, k.key;
            """, ids, r =>
        {
            var key = r.GetString(1);
            metrics[r.GetInt64(0)][key] = new MetricSummary(key, Real(r, 2), r.GetInt64(3), Real(r, 4), r.GetInt64(5), Real(r, 6), r.GetInt64(7), r.GetInt64(8));
        });
        Read($"SELECT run_pk, key, value FROM tags WHERE run_pk {InKeys} ORDER BY run_pk, key;", ids, r =>
            tags[r.GetInt64(0)][r.GetString(1)] = r.GetString(2));
        Read($"""
            SELECT rd.run_pk, rd.role, rd.augmentations, d.name, d.fingerprint, d.splits, d.class_names, d.source
            FROM run_datasets rd JOIN datasets d ON d.id = rd.dataset_id WHERE rd.run_pk {InKeys}
            ORDER BY rd.run_pk, CASE rd.role WHEN 'train' THEN 0 WHEN 'validation' THEN 1 WHEN 'test' THEN 2 ELSE 3 END, rd.role, d.name;
            """, ids, r =>
        {
            var record = new DatasetRecord(
                r.GetString(3), r.GetString(4),
                JsonSerializer.Deserialize<Dictionary<string, SplitShape>>(r.GetString(5))!,
                JsonSerializer.Deserialize<List<string>>(r.GetString(6))!,
                r.GetString(7));
            datasets[r.GetInt64(0)].Add(new DatasetUse(record, r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        });
        Read($"SELECT run_pk, name, architecture, total_params, trainable_params, weight_bytes, dot FROM models WHERE run_pk {InKeys};", ids, r =>
            models[r.GetInt64(0)] = new ModelRecord(r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetString(6)));

        return keys.Select(k => new RunRecord(infos[k], parameters[k], metrics[k], tags[k], datasets[k], models.GetValueOrDefault(k))).ToList();
    }

    private void Read(string sql, string keys, Action<SqliteDataReader> row)
    {
        using var command = Command(sql);
        command.Parameters.AddWithValue("@keys", keys);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            row(reader);
        }
    }
}
