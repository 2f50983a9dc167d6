using System.Diagnostics;
using Npgsql;

namespace Podium.Tests;

/// <summary>
/// The PostgreSQL server the tests use: the one PODIUM_TEST_POSTGRES names (scripts/test.sh starts a throwaway cluster
/// and sets it), or else a cluster this test process starts itself with scripts/postgres.sh and stops when it exits.
/// Each test gets a database of its own.
/// </summary>
public static class PostgresServer
{
    /// <summary>The variable holding the server's address, postgresql://user:password@host:port/postgres.</summary>
    public const string Variable = "PODIUM_TEST_POSTGRES";

    private static readonly Lazy<string> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The server's address, with the superuser's password, on its maintenance database.</summary>
    public static string Address => Server.Value;

    /// <summary>A new empty database; its address.</summary>
    public static string CreateDatabase()
    {
        var name = "podium_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(Connection(Address)))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name} STRATEGY FILE_COPY;", connection);
            command.ExecuteNonQuery();
        }

        return WithDatabase(Address, name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabase"/>, closing whatever still uses it.</summary>
    public static void DropDatabase(string address)
    {
        var name = new Uri(address).AbsolutePath.TrimStart('/');
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(Connection(Address));
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE);", connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs SQL in a database, as the superuser.</summary>
    public static void Execute(string address, string sql)
    {
        using var connection = new NpgsqlConnection(Connection(address));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>The same server with another database.</summary>
    public static string WithDatabase(string address, string database)
    {
        var uri = new UriBuilder(address) { Path = "/" + database };
        return uri.Uri.ToString().TrimEnd('/');
    }

    /// <summary>An Npgsql connection string for a postgresql:// address with a password.</summary>
    public static string Connection(string address)
    {
        var uri = new Uri(address);
        var user = uri.UserInfo.Split(':');
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port,
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            Database = uri.AbsolutePath.TrimStart('/'),
            Pooling = false,
        }.ConnectionString;
    }

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return given;
        }

        // No server given: start one for this process, in a folder the postgres user can enter.
        var folder = Path.Combine(Path.GetTempPath(), "podium-postgres-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        }
        var script = Path.Combine(SourceTree.Root, "scripts", "postgres.sh");
        var address = Run(script, "start", Path.Combine(folder, "cluster"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Run(script, "stop", Path.Combine(folder, "cluster"));
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        Environment.SetEnvironmentVariable(Variable, address);
        return address;
    }

    private static string Run(string script, string verb, string folder)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, verb, folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/postgres.sh {verb} failed: {error}");
        }

        return output.Trim();
    }
}
