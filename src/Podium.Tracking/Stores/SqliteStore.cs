using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Podium.Tracking.Stores;

/// <summary>
/// The default store: one SQLite file in WAL mode plus a folder of artifacts. Several processes
/// may write to one store at once; writers wait for each other (busy timeout, immediate
/// transactions) instead of failing with "database is locked".
/// </summary>
internal sealed partial class SqliteStore : ITrackingStore
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    private readonly SqliteConnection _connection;
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _runKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _metricKeys = new(StringComparer.Ordinal);

    private SqliteStore(string databasePath, string artifactRoot, SqliteConnection connection, bool readOnly = false)
    {
        DatabasePath = databasePath;
        ArtifactRoot = artifactRoot;
        _connection = connection;
        ReadOnly = readOnly;
    }

    /// <summary>Whether the store was opened read-only (its file or file system cannot be written); writes are refused.</summary>
    public bool ReadOnly { get; }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The folder holding each run's artifacts under its id.</summary>
    public string ArtifactRoot { get; }

    /// <inheritdoc/>
    public string Location => DatabasePath;

    /// <summary>
    /// Opens a store: a folder (holding podium.db and artifacts/) or a path ending in .db (artifacts
    /// beside it in NAME.artifacts/). Creates it when missing; refuses a file that is not a Podium
    /// store or is from a newer schema, and never writes to such a file.
    /// </summary>
    public static SqliteStore Open(string path, bool create = true)
    {
        var full = Path.GetFullPath(path);
        string database, artifacts;
        if (full.EndsWith(".db", StringComparison.OrdinalIgnoreCase) || File.Exists(full))
        {
            database = full;
            artifacts = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + ".artifacts");
        }
        else
        {
            database = Path.Combine(full, "podium.db");
            artifacts = Path.Combine(full, "artifacts");
        }

        CheckHeader(database);
        if (!create && !File.Exists(database))
        {
            throw new StoreException($"no Podium store at '{path}' (looked for {database})");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = database,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 120,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            AddFunctions(connection);
            Execute(connection, "PRAGMA busy_timeout = 60000;");
            CheckIdentity(connection, database);
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA case_sensitive_like = ON;");
            Migrate(connection, database);
            return new SqliteStore(database, artifacts, connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 26)
        {
            connection.Dispose();
            throw new StoreException($"'{database}' is not a Podium store (the file is not a SQLite database); it was left untouched", e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 8 or 14 && File.Exists(database))
        {
            // SQLITE_READONLY or SQLITE_CANTOPEN on a file that exists: a read-only file or file system.
            connection.Dispose();
            return OpenReadOnly(database, artifacts);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a store that cannot be written: no WAL switch and no migration. Where SQLite cannot make its shared-memory
    /// file beside the database (a read-only file system), the file is opened as immutable, which needs none.
    /// </summary>
    private static SqliteStore OpenReadOnly(string database, string artifacts)
    {
        foreach (var source in new[] { database, "file:" + database.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3f", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal) + "?immutable=1" })
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 120 }.ToString());
            try
            {
                connection.Open();
                AddFunctions(connection);
                Execute(connection, "PRAGMA busy_timeout = 60000;");
                CheckIdentity(connection, database);
                var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;", null), CultureInfo.InvariantCulture);
                if (version != SqliteSchema.Version)
                {
                    throw new StoreException(version > SqliteSchema.Version
                        ? $"'{database}' was written by a newer Podium (schema version {version}); upgrade Podium to open it"
                        : $"'{database}' is read-only and from an older Podium (schema version {version}, this one reads {SqliteSchema.Version}); open it once where it can be written, to upgrade it");
                }

                Execute(connection, "PRAGMA case_sensitive_like = ON;");
                return new SqliteStore(database, artifacts, connection, readOnly: true);
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 8 or 14)
            {
                connection.Dispose();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        throw new StoreException($"'{database}' cannot be opened, even to read (check its permissions)");
    }

    /// <summary>
    /// The functions queries call: podium_lower, Unicode lower case (SQLite's own lower() folds only ASCII, so
    /// ILIKE 'école' would miss 'École').
    /// </summary>
    private static void AddFunctions(SqliteConnection connection) =>
        connection.CreateFunction("podium_lower", (string? text) => text?.ToLowerInvariant(), isDeterministic: true);

    /// <exception cref="ReadOnlyStoreException">The store was opened read-only.</exception>
    private void Writable()
    {
        if (ReadOnly)
        {
            throw new ReadOnlyStoreException($"the store '{DatabasePath}' is read-only (a read-only file or file system): it can be read, not written");
        }
    }

    private static void CheckHeader(string database)
    {
        if (Directory.Exists(database))
        {
            throw new StoreException($"'{database}' is a folder, not a Podium database file");
        }

        if (!File.Exists(database))
        {
            return;
        }

        using var file = File.OpenRead(database);
        if (file.Length == 0)
        {
            return;
        }

        var header = new byte[SqliteHeader.Length];
        var read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < header.Length || !header.AsSpan().SequenceEqual(SqliteHeader))
        {
            throw new StoreException($"'{database}' is not a Podium store (the file is not a SQLite database); it was left untouched");
        }
    }

    private static void CheckIdentity(SqliteConnection connection, string database)
    {
        // One statement, so one snapshot: read separately, another process's migration could commit
        // between the reads and make a new Podium store look like a foreign database.
        long applicationId, version, tables;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT (SELECT application_id FROM pragma_application_id()), (SELECT user_version FROM pragma_user_version()), (SELECT count(*) FROM sqlite_master);";
            using var reader = command.ExecuteReader();
            reader.Read();
            (applicationId, version, tables) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        if (applicationId == 0 && version == 0 && tables == 0)
        {
            return; // A new, empty database.
        }

        if (applicationId != SqliteSchema.ApplicationId)
        {
            throw new StoreException($"'{database}' is a SQLite database but not a Podium store; it was left untouched");
        }

        if (version > SqliteSchema.Version)
        {
            throw new StoreException(
                $"'{database}' was written by a newer Podium (schema version {version}; this Podium reads up to {SqliteSchema.Version}); upgrade Podium to open it");
        }
    }

    private static void Migrate(SqliteConnection connection, string database)
    {
        // A store already at this version needs no write lock: opening one (to read, say, while runs train and
        // write to it) must not wait for a gap between other processes' writes.
        if (Convert.ToInt32(Scalar(connection, "PRAGMA user_version;", null), CultureInfo.InvariantCulture) == SqliteSchema.Version)
        {
            return;
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        // Read again inside the write lock: another process may have migrated meanwhile.
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;", transaction), CultureInfo.InvariantCulture);
        if (version > SqliteSchema.Version)
        {
            throw new StoreException($"'{database}' was written by a newer Podium (schema version {version}); upgrade Podium to open it");
        }

        for (var i = version; i < SqliteSchema.Version; i++)
        {
            Execute(connection, SqliteSchema.Migrations[i], transaction);
        }

        if (version < SqliteSchema.Version)
        {
            Execute(connection, $"PRAGMA application_id = {SqliteSchema.ApplicationId}; PRAGMA user_version = {SqliteSchema.Version};", transaction);
        }

        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }
}
