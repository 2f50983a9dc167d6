using System.Data.Common;
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
    public RunKeys ListKeys(string? experiment)
    {
        // Runs of the experiment, or every run.
        const string Runs = "SELECT r.pk FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.trashed_at IS NULL AND (@experiment IS NULL OR e.name = @experiment)";
        lock (_gate)
        {
            return new RunKeys(
                Keys($"SELECT DISTINCT k.key FROM metric_summaries s JOIN metric_keys k ON k.id = s.key_id WHERE s.run_pk IN ({Runs}) ORDER BY 1;"),
                Keys($"SELECT DISTINCT key FROM params WHERE run_pk IN ({Runs}) ORDER BY 1;"),
                Keys($"SELECT DISTINCT key FROM tags WHERE run_pk IN ({Runs}) ORDER BY 1;"));
        }

        List<string> Keys(string sql)
        {
            using var command = Command(sql);
            command.Parameters.AddWithValue("@experiment", (object?)experiment ?? DBNull.Value);
            using var reader = command.ExecuteReader();
            var keys = new List<string>();
            while (reader.Read())
            {
                keys.Add(reader.GetString(0));
            }

            return keys;
        }
    }

    /// <inheritdoc/>
    public RunRecord? GetRun(string runIdOrPrefix)
    {
        lock (_gate)
        {
            return StoreRows.RunByPrefix(_connection, runIdOrPrefix) is { } pk ? LoadRecords(_connection, [pk], null)[0] : null;
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

        return File.OpenRead(ArtifactPath.OnDisk(Path.GetFullPath(Path.Combine(ArtifactRoot, runId)), relative));
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

            // Many runs load in pieces on read-only connections in parallel.
            return keys.Count <= StoreRows.ParallelFrom
                ? LoadRecords(_connection, keys, query.Only)
                : StoreRows.InPieces(keys, OpenReader, (reader, piece) => LoadRecords(reader, piece, query.Only));
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

    /// <summary>A second, read-only connection to the database, for reading in parallel with the store's own.</summary>
    private SqliteConnection OpenReader()
    {
        var reader = new SqliteConnection(new SqliteConnectionStringBuilder(_connection.ConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString());
        reader.Open();
        AddFunctions(reader);
        using var command = reader.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 60000;";
        command.ExecuteNonQuery();
        return reader;
    }

    /// <summary>Loads whole records for run keys, in the given order, with one query per table.</summary>
    private static List<RunRecord> LoadRecords(SqliteConnection connection, IReadOnlyList<long> keys, RunProjection? only)
    {
        var ids = JsonSerializer.Serialize(keys);
        (string, object)[] projection = only is null ? [] :
        [
            ("@params", JsonSerializer.Serialize(only.Params)), ("@metrics", JsonSerializer.Serialize(only.Metrics)),
            ("@prefixes", JsonSerializer.Serialize(only.MetricPrefixes)),
        ];
        var onlyParams = only is null ? "" : " AND key IN (SELECT value FROM json_each(@params))";
        var onlyMetrics = only is null ? "" :
            " AND (k.key IN (SELECT value FROM json_each(@metrics)) OR EXISTS (SELECT 1 FROM json_each(@prefixes) p WHERE substr(k.key, 1, length(p.value)) = p.value))";
        var records = new StoreRows.Builder(keys);
        const string InKeys = "IN (SELECT value FROM json_each(@keys))";
        Read(connection, $"SELECT {StoreRows.InfoColumns} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.pk {InKeys};", ids, records.AddInfo);
        Read(connection, $"SELECT {StoreRows.ParamColumns} FROM params WHERE run_pk {InKeys}{onlyParams} ORDER BY run_pk, key;", ids, records.AddParam, projection);
        Read(connection, $"""
            SELECT {StoreRows.SummaryColumns}
            FROM metric_summaries s JOIN metric_keys k ON k.id = s.key_id WHERE s.run_pk {InKeys}{onlyMetrics} ORDER BY s.run_pk, k.key;
            """, ids, records.AddMetric, projection);
        Read(connection, $"SELECT run_pk, key, value FROM tags WHERE run_pk {InKeys} ORDER BY run_pk, key;", ids, records.AddTag);
        Read(connection, $"SELECT {StoreRows.DatasetColumns} FROM run_datasets rd JOIN datasets d ON d.id = rd.dataset_id WHERE rd.run_pk {InKeys} ORDER BY {StoreRows.DatasetOrder};", ids, records.AddDataset);
        Read(connection, $"SELECT {StoreRows.ModelColumns} FROM models WHERE run_pk {InKeys};", ids, records.AddModel);
        return records.Build();
    }

    private static void Read(SqliteConnection connection, string sql, string keys, Action<DbDataReader> row, (string Name, object Value)[]? extra = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in extra ?? [])
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.Parameters.AddWithValue("@keys", keys);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            row(reader);
        }
    }
}
