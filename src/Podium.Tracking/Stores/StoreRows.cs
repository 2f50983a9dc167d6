using System.Data.Common;
using System.Text.Json;

namespace Podium.Tracking.Stores;

/// <summary>
/// The SQL stores' tables read back into records: the column lists each query selects, and the row that comes back.
/// SQLite and PostgreSQL keep the same tables and columns, so one reading serves both.
/// </summary>
internal static class StoreRows
{
    /// <summary>A run's attributes: pk first, then what <see cref="Info"/> reads. Needs runs r joined to experiments e.</summary>
    public const string InfoColumns =
        "r.pk, r.id, r.name, e.name, r.status, r.start_time, r.end_time, r.seed, r.parent_run_id, r.git_commit, r.git_dirty, r.command_line, r.env_os, r.env_cpu, r.env_runtime, r.env_podium, r.env_host, r.trashed_at";

    /// <summary>A param row: run_pk, key, kind, text.</summary>
    public const string ParamColumns = "run_pk, key, kind, text";

    /// <summary>A metric summary: run_pk, key, last, last_step, min, min_step, max, max_step, count, from metric_summaries s joined to metric_keys k.</summary>
    public const string SummaryColumns = "s.run_pk, k.key, s.last, s.last_step, s.min, s.min_step, s.max, s.max_step, s.count";

    /// <summary>A dataset link: run_pk, role, augmentations, then the dataset, from run_datasets rd joined to datasets d.</summary>
    public const string DatasetColumns = "rd.run_pk, rd.role, rd.augmentations, d.name, d.fingerprint, d.splits, d.class_names, d.source";

    /// <summary>Dataset links in a fixed order: train, validation, test, then others by role and name.</summary>
    public const string DatasetOrder = "rd.run_pk, CASE rd.role WHEN 'train' THEN 0 WHEN 'validation' THEN 1 WHEN 'test' THEN 2 ELSE 3 END, rd.role, d.name";

    /// <summary>A model: run_pk, name, architecture, total, trainable, bytes, dot.</summary>
    public const string ModelColumns = "run_pk, name, architecture, total_params, trainable_params, weight_bytes, dot";

    /// <summary>Deletes everything a run (key @pk) recorded in the tables both stores share, the run's row last.</summary>
    public const string PurgeRun = """
        DELETE FROM params WHERE run_pk = @pk;
        DELETE FROM tags WHERE run_pk = @pk;
        DELETE FROM metric_summaries WHERE run_pk = @pk;
        DELETE FROM metric_chunks WHERE run_pk = @pk;
        DELETE FROM run_datasets WHERE run_pk = @pk;
        DELETE FROM models WHERE run_pk = @pk;
        DELETE FROM artifacts WHERE run_pk = @pk;
        DELETE FROM runs WHERE pk = @pk;
        """;

    /// <summary>The columns of a new run, as both stores insert it: VALUES (@id, @name, EXPERIMENT, 'running', <see cref="NewRunValues"/>).</summary>
    public const string NewRunColumns = "id, name, experiment_id, status, start_time, seed, parent_run_id, git_commit, git_dirty, command_line, env_os, env_cpu, env_runtime, env_podium, env_host";

    /// <summary>The parameters after the experiment, in <see cref="NewRunColumns"/>' order.</summary>
    public const string NewRunValues = "@start, @seed, @parent, @commit, @dirty, @cmd, @os, @cpu, @runtime, @podium, @host";

    /// <summary>Adds a new run's parameters (@id, @name and <see cref="NewRunValues"/>) to an INSERT.</summary>
    public static void AddNewRun(DbCommand command, string id, string name, NewRun run)
    {
        Add("@id", id, System.Data.DbType.String);
        Add("@name", name, System.Data.DbType.String);
        Add("@start", run.StartTime.ToUnixTimeMilliseconds(), System.Data.DbType.Int64);
        Add("@seed", run.Seed, System.Data.DbType.Int64);
        Add("@parent", run.ParentRunId, System.Data.DbType.String);
        Add("@commit", run.Source.GitCommit, System.Data.DbType.String);
        Add("@dirty", run.Source.GitDirty is { } dirty ? dirty ? 1L : 0L : null, System.Data.DbType.Int64);
        Add("@cmd", run.Source.CommandLine, System.Data.DbType.String);
        Add("@os", run.Environment.Os, System.Data.DbType.String);
        Add("@cpu", run.Environment.Cpu, System.Data.DbType.String);
        Add("@runtime", run.Environment.Runtime, System.Data.DbType.String);
        Add("@podium", run.Environment.PodiumVersion, System.Data.DbType.String);
        Add("@host", run.Environment.Host, System.Data.DbType.String);

        void Add(string name, object? value, System.Data.DbType type)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
    }

    /// <summary>The key of the run whose id is, or uniquely starts with, the text; null when none matches or it is not hex.</summary>
    /// <exception cref="ArgumentException">The prefix matches more than one run.</exception>
    public static long? RunByPrefix(DbConnection connection, string runIdOrPrefix)
    {
        ArgumentNullException.ThrowIfNull(runIdOrPrefix);
        var prefix = runIdOrPrefix.Trim().ToLowerInvariant();
        if (prefix.Length == 0 || !prefix.All(Uri.IsHexDigit))
        {
            return null;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pk, id FROM runs WHERE id LIKE @prefix || '%' ORDER BY id LIMIT 2;";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@prefix";
        parameter.Value = prefix;
        command.Parameters.Add(parameter);
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

        return found.Count == 0 ? null : found[0].Pk;
    }

    public static RunInfo Info(DbDataReader r)
    {
        RunStatuses.TryParse(r.GetString(4), out var status);
        return new RunInfo(
            r.GetString(1), r.GetString(2), r.GetString(3), status, FromMs(r.GetInt64(5)),
            r.IsDBNull(6) ? null : FromMs(r.GetInt64(6)),
            r.IsDBNull(7) ? null : r.GetInt64(7),
            r.IsDBNull(8) ? null : r.GetString(8),
            new RunSource(r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetInt64(10) != 0, r.GetString(11)),
            new RunEnvironment(r.GetString(12), r.GetString(13), r.GetString(14), r.GetString(15), r.GetString(16)))
        {
            TrashedTime = r.IsDBNull(17) ? null : FromMs(r.GetInt64(17)),
        };
    }

    public static ParamValue Param(DbDataReader r) => ParamValue.FromStored((ParamKind)r.GetInt64(2), r.GetString(3));

    public static MetricSummary Summary(DbDataReader r) =>
        new(r.GetString(1), Real(r, 2), r.GetInt64(3), Real(r, 4), r.GetInt64(5), Real(r, 6), r.GetInt64(7), r.GetInt64(8));

    public static DatasetUse Dataset(DbDataReader r) => new(
        new DatasetRecord(
            r.GetString(3), r.GetString(4),
            JsonSerializer.Deserialize<Dictionary<string, SplitShape>>(r.GetString(5))!,
            JsonSerializer.Deserialize<List<string>>(r.GetString(6))!,
            r.GetString(7)),
        r.GetString(1),
        r.IsDBNull(2) ? null : r.GetString(2));

    public static ModelRecord Model(DbDataReader r) =>
        new(r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetString(6));

    /// <summary>A REAL column where NULL stands for NaN (both stores keep NaN as NULL, SQLite's own rule).</summary>
    public static double Real(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);

    /// <summary>NaN as NULL, for writing.</summary>
    public static object DbReal(double value) => double.IsNaN(value) ? DBNull.Value : value;

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>More runs than this load in parallel pieces, each on a connection of its own.</summary>
    public const int ParallelFrom = 1000;

    /// <summary>
    /// Loads many runs' records in pieces in parallel, each on a connection <paramref name="open"/> gives: a 10,000-run
    /// leaderboard reads some 400,000 param and metric rows, and the work is in stepping through them.
    /// </summary>
    public static List<RunRecord> InPieces<TConnection>(IReadOnlyList<long> keys, Func<TConnection> open, Func<TConnection, long[], List<RunRecord>> load)
        where TConnection : IDisposable
    {
        var pieces = keys.Chunk(Math.Max(500, keys.Count / (2 * Environment.ProcessorCount) + 1)).ToArray();
        var loaded = new List<RunRecord>[pieces.Length];
        Parallel.For(0, pieces.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var connection = open();
            loaded[i] = load(connection, pieces[i]);
        });
        return loaded.SelectMany(piece => piece).ToList();
    }

    /// <summary>Assembles records from what each table gave, in the order of the keys.</summary>
    public sealed class Builder(IReadOnlyList<long> keys)
    {
        private readonly Dictionary<long, RunInfo> _infos = [];
        private readonly Dictionary<long, Dictionary<string, ParamValue>> _params = keys.ToDictionary(k => k, _ => new Dictionary<string, ParamValue>(StringComparer.Ordinal));
        private readonly Dictionary<long, Dictionary<string, MetricSummary>> _metrics = keys.ToDictionary(k => k, _ => new Dictionary<string, MetricSummary>(StringComparer.Ordinal));
        private readonly Dictionary<long, Dictionary<string, string>> _tags = keys.ToDictionary(k => k, _ => new Dictionary<string, string>(StringComparer.Ordinal));
        private readonly Dictionary<long, List<DatasetUse>> _datasets = keys.ToDictionary(k => k, _ => new List<DatasetUse>());
        private readonly Dictionary<long, ModelRecord> _models = [];

        public void AddInfo(DbDataReader r) => _infos[r.GetInt64(0)] = Info(r);

        public void AddParam(DbDataReader r) => _params[r.GetInt64(0)][r.GetString(1)] = Param(r);

        public void AddMetric(DbDataReader r) => _metrics[r.GetInt64(0)][r.GetString(1)] = Summary(r);

        public void AddTag(DbDataReader r) => _tags[r.GetInt64(0)][r.GetString(1)] = r.GetString(2);

        public void AddDataset(DbDataReader r) => _datasets[r.GetInt64(0)].Add(Dataset(r));

        public void AddModel(DbDataReader r) => _models[r.GetInt64(0)] = Model(r);

        public List<RunRecord> Build() =>
            keys.Select(k => new RunRecord(_infos[k], _params[k], _metrics[k], _tags[k], _datasets[k], _models.GetValueOrDefault(k))).ToList();
    }
}
