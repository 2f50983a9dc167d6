using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;
using Podium.Tracking.Query;

namespace Podium.Tracking.Stores;

/// <summary>
/// A store in a PostgreSQL database, shared by every machine that reaches it. The tables are SQLite's; metric points
/// go in by binary COPY; artifacts are kept in the database in chunks unless the store names an artifact root. Each
/// call takes a pooled connection, so calls from many threads and processes run side by side.
/// </summary>
internal sealed partial class PostgresStore : ITrackingStore
{
    private readonly NpgsqlDataSource _source;
    private readonly ConcurrentDictionary<string, long> _runKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _metricKeys = new(StringComparer.Ordinal);

    private PostgresStore(PostgresLocation location, NpgsqlDataSource source, PostgresDialect dialect)
    {
        Address = location;
        _source = source;
        Dialect = dialect;
    }

    /// <summary>The server, database and user (and the password, which is never shown).</summary>
    public PostgresLocation Address { get; }

    internal PostgresDialect Dialect { get; }

    /// <inheritdoc/>
    public string Location => Address.Display;

    /// <summary>
    /// Opens the store at a postgresql:// address, creating its tables in an empty database. Refuses, in one line and
    /// without writing, a server it cannot reach or log in to, a database of another program, or a newer schema.
    /// </summary>
    /// <exception cref="StoreException">The store cannot be opened; the message names it without its password.</exception>
    public static PostgresStore Open(string location, bool create = true)
    {
        var address = PostgresLocation.Parse(location);
        var source = NpgsqlDataSource.Create(address.ConnectionString());
        try
        {
            using (var connection = Connect(source, address))
            {
                var dialect = new PostgresDialect(icu: Scalar(connection, "SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu');") is true);
                Migrate(connection, address, create);
                return new PostgresStore(address, source, dialect);
            }
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Opens a connection, turning what can go wrong into one line that names the store.</summary>
    private static NpgsqlConnection Connect(NpgsqlDataSource source, PostgresLocation address)
    {
        try
        {
            return source.OpenConnection();
        }
        catch (Exception e) when (Describe(e, address) is { } message)
        {
            throw new StoreException(message, e);
        }
    }

    /// <summary>What a failure to connect means for the user, or null when it is not one this knows.</summary>
    internal static string? Describe(Exception e, PostgresLocation address)
    {
        var server = $"{address.Host}:{address.Port.ToString(CultureInfo.InvariantCulture)}";
        var store = $"store {address.Display}";
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException { SqlState: "28P01" }:
                    return $"{store}: the password for user '{address.User}' was refused; give the right one in the address, PGPASSWORD or ~/.pgpass";
                case PostgresException { SqlState: "28000" } denied:
                    return $"{store}: the server refused user '{address.User}' ({denied.MessageText})";
                case PostgresException { SqlState: "3D000" }:
                    return $"{store}: the server has no database '{address.Database}'; create it (createdb -h {address.Host} -p {address.Port} {address.Database}) or name another";
                case PostgresException { SqlState: "42501" } privilege:
                    return $"{store}: user '{address.User}' may not do this ({privilege.MessageText}); grant it, or use another user";
                case PostgresException { SqlState: "53300" }:
                    return $"{store}: the server has too many connections; raise max_connections or stop some clients";
                case NpgsqlException { Message: var message } when message.Contains("no password", StringComparison.OrdinalIgnoreCase):
                    return $"{store}: the server wants a password for user '{address.User}'; give it in the address, PGPASSWORD or ~/.pgpass";
                case FileNotFoundException missing when address.Password is null:
                    return $"{store}: the password file {missing.FileName ?? "PGPASSFILE names"} does not exist; fix PGPASSFILE, or give the password in the address or PGPASSWORD";
                case SocketException socket when socket.SocketErrorCode == SocketError.ConnectionRefused:
                    return $"{store}: cannot reach a PostgreSQL server at {server} (connection refused); is it running, and on that port?";
                case SocketException socket when socket.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData:
                    return $"{store}: the host '{address.Host}' is not known; check its name";
                case SocketException socket:
                    return $"{store}: cannot reach a PostgreSQL server at {server} ({socket.SocketErrorCode})";
                case TimeoutException:
                    return $"{store}: no PostgreSQL server answered at {server} in time; check the host, the port and the network";
                case EndOfStreamException or IOException when e is NpgsqlException:
                    return $"{store}: the server at {server} closed the connection; is it a PostgreSQL server?";
            }
        }

        return e is NpgsqlException npgsql ? $"{store}: {npgsql.Message}" : null;
    }

    private static void Migrate(NpgsqlConnection connection, PostgresLocation address, bool create)
    {
        var version = StoredVersion(connection, address, null);
        if (version == PostgresSchema.Version)
        {
            return;
        }

        if (version < 0 && !create)
        {
            throw new StoreException($"no Podium store in {address.Display} (the database has no Podium tables)");
        }

        using var transaction = connection.BeginTransaction();
        // One process migrates; the others wait here, then read the version it left.
        Execute(connection, $"SELECT pg_advisory_xact_lock({PostgresSchema.LockKey.ToString(CultureInfo.InvariantCulture)});", transaction);
        version = Math.Max(0, StoredVersion(connection, address, transaction));
        for (var i = version; i < PostgresSchema.Version; i++)
        {
            Execute(connection, PostgresSchema.Migrations[i], transaction);
        }

        Execute(connection, $"UPDATE podium_store SET value = '{PostgresSchema.Version.ToString(CultureInfo.InvariantCulture)}' WHERE key = 'version';", transaction);
        transaction.Commit();
    }

    /// <summary>The schema version of the database, or -1 when it is empty.</summary>
    /// <exception cref="StoreException">The database holds another program's tables, or a newer Podium's.</exception>
    private static int StoredVersion(NpgsqlConnection connection, PostgresLocation address, NpgsqlTransaction? transaction)
    {
        using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()),
                   (SELECT min(table_name) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'podium_store'),
                   to_regclass('podium_store') IS NOT NULL;
            """,
            connection,
            transaction);
        long tables;
        string? example;
        bool marked;
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            (tables, example, marked) = (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2));
        }

        if (!marked)
        {
            return tables == 0 ? -1
                : throw new StoreException($"{address.Display} holds another program's tables ({example}, …), not a Podium store; it was left untouched. Give Podium a database of its own (createdb podium)");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var read = new NpgsqlCommand("SELECT key, value FROM podium_store WHERE key IN ('application', 'version');", connection, transaction))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                values[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (values.GetValueOrDefault("application") != "podium" || !int.TryParse(values.GetValueOrDefault("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new StoreException($"{address.Display} has a podium_store table that Podium did not write; it was left untouched");
        }

        return version <= PostgresSchema.Version ? version
            : throw new StoreException($"{address.Display} was written by a newer Podium (schema version {version}; this Podium reads up to {PostgresSchema.Version}); upgrade Podium to open it");
    }

    private NpgsqlConnection Open() => Connect(_source, Address);

    private static void Execute(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        return command.ExecuteScalar();
    }

    /// <summary>The run's key, from the cache or the database.</summary>
    /// <exception cref="KeyNotFoundException">No run has that id.</exception>
    private long RunKey(NpgsqlConnection connection, string runId, NpgsqlTransaction? transaction = null)
    {
        if (_runKeys.TryGetValue(runId, out var pk))
        {
            return pk;
        }

        using var command = new NpgsqlCommand("SELECT pk FROM runs WHERE id = @id;", connection, transaction);
        command.Parameters.AddWithValue("id", runId);
        pk = command.ExecuteScalar() is long found ? found : throw new KeyNotFoundException($"no run with id '{runId}' in {Location}");
        _runKeys[runId] = pk;
        return pk;
    }

    /// <inheritdoc/>
    public void Dispose() => _source.Dispose();
}
