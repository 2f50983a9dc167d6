using System.Data.Common;
using Npgsql;
using Podium.Tracking.Query;

namespace Podium.Tracking.Stores;

internal sealed partial class PostgresStore
{
    /// <inheritdoc/>
    public IReadOnlyList<Experiment> ListExperiments()
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("SELECT id, name, created_at FROM experiments ORDER BY id;", connection);
        using var reader = command.ExecuteReader();
        var list = new List<Experiment>();
        while (reader.Read())
        {
            list.Add(new Experiment(reader.GetInt64(0), reader.GetString(1), StoreRows.FromMs(reader.GetInt64(2))));
        }

        return list;
    }

    /// <inheritdoc/>
    public RunKeys ListKeys(string? experiment)
    {
        const string Runs = "SELECT r.pk FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.trashed_at IS NULL AND (@experiment::text IS NULL OR e.name = @experiment::text)";
        using var connection = Open();
        return new RunKeys(
            Keys($"SELECT DISTINCT k.key FROM metric_summaries s JOIN metric_keys k ON k.id = s.key_id WHERE s.run_pk IN ({Runs}) ORDER BY 1;"),
            Keys($"SELECT DISTINCT key FROM params WHERE run_pk IN ({Runs}) ORDER BY 1;"),
            Keys($"SELECT DISTINCT key FROM tags WHERE run_pk IN ({Runs}) ORDER BY 1;"));

        List<string> Keys(string sql)
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("experiment", NpgsqlTypes.NpgsqlDbType.Text, (object?)experiment ?? DBNull.Value);
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
        using var connection = Open();
        return StoreRows.RunByPrefix(connection, runIdOrPrefix) is { } pk ? LoadRecords(connection, [pk], null)[0] : null;
    }

    /// <inheritdoc/>
    public IReadOnlyList<MetricPoint> GetMetricHistory(string runId, string key)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand(
            "SELECT c.data FROM metric_chunks c JOIN metric_keys k ON k.id = c.key_id WHERE c.run_pk = @run AND k.key = @key ORDER BY c.seq;", connection);
        command.Parameters.AddWithValue("run", RunKey(connection, runId));
        command.Parameters.AddWithValue("key", key);
        using var reader = command.ExecuteReader();
        var points = new List<MetricPoint>();
        while (reader.Read())
        {
            MetricChunk.Decode((byte[])reader.GetValue(0), points);
        }

        return points;
    }

    /// <inheritdoc/>
    public IReadOnlyList<RunRecord> SearchRuns(RunQuery query)
    {
        var (sql, parameters) = SqlCompiler.CompileSelect(query, Dialect);
        List<long> keys;
        using (var connection = Open())
        {
            keys = ReadKeys(connection, sql, parameters);
            if (keys.Count <= StoreRows.ParallelFrom)
            {
                return LoadRecords(connection, keys, query.Only);
            }
        }

        // Many runs load in pieces, each on a pooled connection of its own.
        return StoreRows.InPieces(keys, Open, (connection, piece) => LoadRecords(connection, piece, query.Only));
    }

    /// <inheritdoc/>
    public long CountRuns(RunQuery query)
    {
        var (sql, parameters) = SqlCompiler.CompileCount(query, Dialect);
        using var connection = Open();
        using var command = Compiled(connection, sql, parameters);
        return (long)command.ExecuteScalar()!;
    }

    private static List<long> ReadKeys(NpgsqlConnection connection, string sql, List<KeyValuePair<string, object>> parameters)
    {
        using var command = Compiled(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var keys = new List<long>();
        while (reader.Read())
        {
            keys.Add(reader.GetInt64(0));
        }

        return keys;
    }

    /// <summary>A compiled query with its parameters, whose names the compiler wrote as @p0, @p1, ….</summary>
    private static NpgsqlCommand Compiled(NpgsqlConnection connection, string sql, List<KeyValuePair<string, object>> parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name.TrimStart('@'), value);
        }

        return command;
    }

    /// <summary>Loads whole records for run keys, in the given order, with one query per table.</summary>
    private static List<RunRecord> LoadRecords(NpgsqlConnection connection, IReadOnlyList<long> keys, RunProjection? only)
    {
        var ids = keys.ToArray();
        var onlyParams = only is null ? "" : " AND key = ANY(@params)";
        var onlyMetrics = only is null ? "" : " AND (k.key = ANY(@metrics) OR EXISTS (SELECT 1 FROM unnest(@prefixes) p WHERE starts_with(k.key, p)))";
        var records = new StoreRows.Builder(keys);
        Read($"SELECT {StoreRows.InfoColumns} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.pk = ANY(@keys);", records.AddInfo);
        Read($"SELECT {StoreRows.ParamColumns} FROM params WHERE run_pk = ANY(@keys){onlyParams} ORDER BY run_pk, key;", records.AddParam);
        Read($"""
            SELECT {StoreRows.SummaryColumns}
            FROM metric_summaries s JOIN metric_keys k ON k.id = s.key_id WHERE s.run_pk = ANY(@keys){onlyMetrics} ORDER BY s.run_pk, k.key;
            """, records.AddMetric);
        Read("SELECT run_pk, key, value FROM tags WHERE run_pk = ANY(@keys) ORDER BY run_pk, key;", records.AddTag);
        Read($"SELECT {StoreRows.DatasetColumns} FROM run_datasets rd JOIN datasets d ON d.id = rd.dataset_id WHERE rd.run_pk = ANY(@keys) ORDER BY {StoreRows.DatasetOrder};", records.AddDataset);
        Read($"SELECT {StoreRows.ModelColumns} FROM models WHERE run_pk = ANY(@keys);", records.AddModel);
        return records.Build();

        void Read(string sql, Action<DbDataReader> row)
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("keys", ids);
            if (only is not null)
            {
                command.Parameters.AddWithValue("params", only.Params.ToArray());
                command.Parameters.AddWithValue("metrics", only.Metrics.ToArray());
                command.Parameters.AddWithValue("prefixes", only.MetricPrefixes.ToArray());
            }

            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                row(reader);
            }
        }
    }
}
