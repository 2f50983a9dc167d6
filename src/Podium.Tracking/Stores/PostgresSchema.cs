namespace Podium.Tracking.Stores;

/// <summary>
/// The PostgreSQL schema, as a list of migrations; the row podium_store('version') says how many have run, and
/// podium_store('application') = 'podium' marks a database as a Podium store. Tables and columns are SQLite's, so
/// one query compiler and one record reader serve both; text sorts by code point (COLLATE "C"), as SQLite's does.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key migrations take: "PDM1", as SQLite's application id.</summary>
    public const long LockKey = 0x50444D31;

    /// <summary>Migration i takes a store from version i to i + 1.</summary>
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE podium_store (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
        CREATE TABLE experiments (
            id bigserial PRIMARY KEY,
            name text COLLATE "C" NOT NULL UNIQUE,
            created_at bigint NOT NULL
        );
        CREATE TABLE runs (
            pk bigserial PRIMARY KEY,
            id text COLLATE "C" NOT NULL UNIQUE,
            name text COLLATE "C" NOT NULL,
            experiment_id bigint NOT NULL REFERENCES experiments(id),
            status text COLLATE "C" NOT NULL,
            start_time bigint NOT NULL,
            end_time bigint,
            seed bigint,
            parent_run_id text COLLATE "C",
            git_commit text COLLATE "C",
            git_dirty bigint,
            command_line text COLLATE "C" NOT NULL,
            env_os text COLLATE "C" NOT NULL,
            env_cpu text COLLATE "C" NOT NULL,
            env_runtime text COLLATE "C" NOT NULL,
            env_podium text COLLATE "C" NOT NULL,
            env_host text COLLATE "C" NOT NULL,
            trashed_at bigint
        );
        CREATE INDEX runs_by_start ON runs(start_time);
        CREATE INDEX runs_by_experiment ON runs(experiment_id);
        CREATE INDEX runs_by_parent ON runs(parent_run_id);
        CREATE TABLE params (
            run_pk bigint NOT NULL,
            key text COLLATE "C" NOT NULL,
            kind bigint NOT NULL,
            text text COLLATE "C" NOT NULL,
            num double precision,
            PRIMARY KEY (run_pk, key)
        );
        -- Filters on a param's value find its runs in the index alone; the statistics tell the planner how often a
        -- key has a value (optimizer = 'adam' is a quarter of the runs, not one in thousands of texts).
        CREATE INDEX params_by_text ON params(key, text) INCLUDE (run_pk);
        CREATE INDEX params_by_num ON params(key, num) INCLUDE (run_pk);
        CREATE STATISTICS params_key_text (mcv, dependencies) ON key, text FROM params;
        CREATE STATISTICS params_key_num (mcv, dependencies) ON key, num FROM params;
        CREATE TABLE tags (
            run_pk bigint NOT NULL,
            key text COLLATE "C" NOT NULL,
            value text COLLATE "C" NOT NULL,
            PRIMARY KEY (run_pk, key)
        );
        CREATE INDEX tags_by_value ON tags(key, value) INCLUDE (run_pk);
        CREATE STATISTICS tags_key_value (mcv, dependencies) ON key, value FROM tags;
        CREATE TABLE metric_keys (
            id bigserial PRIMARY KEY,
            key text COLLATE "C" NOT NULL UNIQUE
        );
        -- As in SQLite: NaN is kept as NULL, and last_sort is last when finite, else NULL, so NaN and ±Infinity sort last.
        CREATE TABLE metric_summaries (
            run_pk bigint NOT NULL,
            key_id bigint NOT NULL,
            last double precision,
            last_sort double precision,
            last_step bigint NOT NULL,
            min double precision,
            min_step bigint NOT NULL,
            max double precision,
            max_step bigint NOT NULL,
            count bigint NOT NULL,
            chunks bigint NOT NULL,
            PRIMARY KEY (run_pk, key_id)
        );
        -- A leaderboard's ORDER BY metric LIMIT 50 walks one of these in order and stops after 50 runs that pass the
        -- filter (NULLS LAST both ways, as the compiler writes it); a filter on the value scans the last one alone.
        CREATE INDEX metric_summaries_by_value ON metric_summaries(key_id, last_sort);
        CREATE INDEX metric_summaries_by_value_desc ON metric_summaries(key_id, last_sort DESC NULLS LAST);
        CREATE INDEX metric_summaries_by_last ON metric_summaries(key_id, last) INCLUDE (run_pk);
        CREATE TABLE metric_chunks (
            run_pk bigint NOT NULL,
            key_id bigint NOT NULL,
            seq bigint NOT NULL,
            count bigint NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (run_pk, key_id, seq)
        );
        -- Packed float64s do not compress: store them as they are instead of trying, which costs the server more than the write.
        ALTER TABLE metric_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        CREATE TABLE datasets (
            id bigserial PRIMARY KEY,
            name text COLLATE "C" NOT NULL,
            fingerprint text COLLATE "C" NOT NULL,
            splits text NOT NULL,
            class_names text NOT NULL,
            num_classes bigint NOT NULL,
            source text COLLATE "C" NOT NULL,
            UNIQUE (fingerprint, name)
        );
        CREATE TABLE run_datasets (
            run_pk bigint NOT NULL,
            dataset_id bigint NOT NULL REFERENCES datasets(id),
            role text COLLATE "C" NOT NULL,
            augmentations text,
            PRIMARY KEY (run_pk, role, dataset_id)
        );
        CREATE INDEX run_datasets_by_dataset ON run_datasets(dataset_id);
        CREATE TABLE models (
            run_pk bigint PRIMARY KEY,
            name text COLLATE "C" NOT NULL,
            architecture text NOT NULL,
            total_params bigint NOT NULL,
            trainable_params bigint NOT NULL,
            weight_bytes bigint NOT NULL,
            dot text NOT NULL
        );
        -- An artifact is kept in the database (in_database, its bytes in artifact_chunks in order) or as a file
        -- under the artifact root the store was opened with.
        CREATE TABLE artifacts (
            run_pk bigint NOT NULL,
            path text COLLATE "C" NOT NULL,
            size bigint NOT NULL,
            sha256 text NOT NULL,
            in_database boolean NOT NULL,
            PRIMARY KEY (run_pk, path)
        );
        CREATE TABLE artifact_chunks (
            run_pk bigint NOT NULL,
            path text COLLATE "C" NOT NULL,
            seq bigint NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (run_pk, path, seq)
        );
        ALTER TABLE artifact_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        INSERT INTO podium_store(key, value) VALUES ('application', 'podium'), ('version', '0');
        """,

        // 2: sweeps as a queue of trials that workers claim, with leases (ITrialQueue).
        SqlTrialQueue.Schema("bigserial PRIMARY KEY", "text COLLATE \"C\"", "bigint"),
    ];

    /// <summary>The version this build writes and reads.</summary>
    public static int Version => Migrations.Length;
}
