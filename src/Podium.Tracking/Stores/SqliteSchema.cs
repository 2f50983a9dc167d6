using Podium.Tracking.Schema;

namespace Podium.Tracking.Stores;

/// <summary>The SQLite schema, as a list of migrations; a store's <c>user_version</c> says how many have run.</summary>
internal static class SqliteSchema
{
    /// <summary>"PDM1": marks a SQLite file as a Podium store (PRAGMA application_id).</summary>
    public const int ApplicationId = 0x50444D31;

    /// <summary>Migration i takes a store from version i to i + 1.</summary>
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE experiments (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE runs (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            experiment_id INTEGER NOT NULL REFERENCES experiments(id),
            status TEXT NOT NULL,
            start_time INTEGER NOT NULL,
            end_time INTEGER,
            seed INTEGER,
            parent_run_id TEXT,
            git_commit TEXT,
            git_dirty INTEGER,
            command_line TEXT NOT NULL,
            env_os TEXT NOT NULL,
            env_cpu TEXT NOT NULL,
            env_runtime TEXT NOT NULL,
            env_podium TEXT NOT NULL,
            env_host TEXT NOT NULL
        );
        CREATE INDEX runs_by_start ON runs(start_time);
        CREATE INDEX runs_by_experiment ON runs(experiment_id);
        CREATE TABLE params (
            run_pk INTEGER NOT NULL,
            key TEXT NOT NULL,
            kind INTEGER NOT NULL,
            text TEXT NOT NULL,
            num REAL,
            PRIMARY KEY (run_pk, key)
        ) WITHOUT ROWID;
        CREATE TABLE tags (
            run_pk INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_pk, key)
        ) WITHOUT ROWID;
        CREATE TABLE metric_keys (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE
        );
        -- One row per (run, metric): what leaderboards read. NaN is stored as NULL (SQLite's own
        -- rule); last_sort is last when finite, else NULL, so NaN and ±Infinity sort last.
        CREATE TABLE metric_summaries (
            run_pk INTEGER NOT NULL,
            key_id INTEGER NOT NULL,
            last REAL,
            last_sort REAL,
            last_step INTEGER NOT NULL,
            min REAL,
            min_step INTEGER NOT NULL,
            max REAL,
            max_step INTEGER NOT NULL,
            count INTEGER NOT NULL,
            chunks INTEGER NOT NULL,
            PRIMARY KEY (run_pk, key_id)
        ) WITHOUT ROWID;
        CREATE INDEX metric_summaries_by_value ON metric_summaries(key_id, last_sort);
        -- The series itself, one packed chunk per flush: a row per point caps ingestion far
        -- below what a training loop can produce.
        CREATE TABLE metric_chunks (
            run_pk INTEGER NOT NULL,
            key_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            count INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (run_pk, key_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE datasets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            splits TEXT NOT NULL,
            class_names TEXT NOT NULL,
            num_classes INTEGER NOT NULL,
            source TEXT NOT NULL,
            UNIQUE (fingerprint, name)
        );
        CREATE TABLE run_datasets (
            run_pk INTEGER NOT NULL,
            dataset_id INTEGER NOT NULL REFERENCES datasets(id),
            role TEXT NOT NULL,
            augmentations TEXT,
            PRIMARY KEY (run_pk, role, dataset_id)
        ) WITHOUT ROWID;
        CREATE INDEX run_datasets_by_dataset ON run_datasets(dataset_id);
        CREATE TABLE models (
            run_pk INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            architecture TEXT NOT NULL,
            total_params INTEGER NOT NULL,
            trainable_params INTEGER NOT NULL,
            weight_bytes INTEGER NOT NULL,
            dot TEXT NOT NULL
        );
        CREATE TABLE artifacts (
            run_pk INTEGER NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (run_pk, path)
        ) WITHOUT ROWID;
        """,

        // 2: Podium's own tags move under the podium. prefix (RunTags), so a user's tag named round or error is theirs.
        string.Concat(RunTags.Renamed.Select(r => $"UPDATE OR IGNORE tags SET key = '{r.New}' WHERE key = '{r.Old}';\n"))
            + $"UPDATE OR IGNORE tags SET key = '{RunTags.WarningPrefix}' || substr(key, 9) WHERE key LIKE 'warning/%';\n",

        // 3: a trash. A deleted run keeps its rows, marked with when it was deleted, until it is purged.
        "ALTER TABLE runs ADD COLUMN trashed_at INTEGER;\n",

        // 4: sweeps as a queue of trials that workers claim, with leases (ITrialQueue).
        SqlTrialQueue.Schema("INTEGER PRIMARY KEY", "TEXT", "INTEGER"),
    ];

    /// <summary>The version this build writes and reads.</summary>
    public static int Version => Migrations.Length;
}
