using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Podium.Tests;
using Podium.Tracking.Query;
using Podium.Tracking.Stores;
using Xunit;

namespace Podium.Tracking.Tests.Stores;

/// <summary>What only the PostgreSQL store does: its address, its schema's versions, its faults, artifacts in chunks, many writers.</summary>
public sealed class PostgresStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _database = PostgresServer.CreateDatabase();

    public void Dispose()
    {
        PostgresServer.DropDatabase(_database);
        _folder.Dispose();
    }

    private static string Password(string address) => Uri.UnescapeDataString(new Uri(address).UserInfo.Split(':')[1]);

    private static string WithoutPassword(string address)
    {
        var uri = new Uri(address);
        return $"postgresql://{uri.UserInfo.Split(':')[0]}@{uri.Host}:{uri.Port}{uri.AbsolutePath}";
    }

    [Fact]
    public void A_new_database_gets_the_schema_at_this_version_and_its_location_hides_the_password()
    {
        using var store = TrackingStores.Open(_database);

        Assert.Equal(WithoutPassword(_database), store.Location);
        Assert.DoesNotContain(Password(_database), store.Location, StringComparison.Ordinal);
        using var check = TrackingStores.Open(_database);
        Assert.Empty(check.ListExperiments());
    }

    [Fact]
    public void A_newer_schema_is_refused_in_one_line_and_left_as_it_is()
    {
        using (var store = TrackingStores.Open(_database))
        {
            using var run = Tracker.Over(store, new TrackerOptions { CaptureSource = false }).StartRun("e", "kept");
        }

        PostgresServer.Execute(_database, "UPDATE podium_store SET value = '99' WHERE key = 'version';");

        var error = Assert.Throws<StoreException>(() => TrackingStores.Open(_database));
        Assert.Equal($"{WithoutPassword(_database)} was written by a newer Podium (schema version 99; this Podium reads up to {PostgresSchema.Version}); upgrade Podium to open it", error.Message);
        PostgresServer.Execute(_database, $"UPDATE podium_store SET value = '{PostgresSchema.Version}' WHERE key = 'version';");
        using var reopened = TrackingStores.Open(_database);
        Assert.Equal("kept", Assert.Single(reopened.SearchRuns(RunQuery.All)).Info.Name);
    }

    [Fact]
    public void A_store_of_the_first_version_is_migrated_to_this_one_keeping_its_runs()
    {
        using (var store = TrackingStores.Open(_database))
        {
            using var run = Tracker.Over(store, new TrackerOptions { CaptureSource = false }).StartRun("e", "kept");
            run.LogMetric("loss", 0.5);
        }

        // Back to version 1: before sweeps were queued.
        PostgresServer.Execute(_database, "DROP TABLE sweep_trials; UPDATE podium_store SET value = '1' WHERE key = 'version';");

        using var migrated = TrackingStores.Open(_database);
        var kept = Assert.Single(migrated.SearchRuns(RunQuery.All));
        Assert.Equal(("kept", 0.5), (kept.Info.Name, kept.Metrics["loss"].Last));
        Assert.Equal(1, migrated.EnqueueTrials(kept.Info.Id, [new QueuedTrial(0, 0, "t", "{}")], 1));
        using var version = new Npgsql.NpgsqlConnection(PostgresServer.Connection(_database));
        version.Open();
        using var read = new Npgsql.NpgsqlCommand("SELECT value FROM podium_store WHERE key = 'version';", version);
        Assert.Equal(PostgresSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), read.ExecuteScalar());
    }

    [Fact]
    public void A_database_of_another_program_is_refused_and_not_written()
    {
        PostgresServer.Execute(_database, "CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (7);");

        var error = Assert.Throws<StoreException>(() => TrackingStores.Open(_database));

        Assert.Equal($"{WithoutPassword(_database)} holds another program's tables (invoices, …), not a Podium store; it was left untouched. Give Podium a database of its own (createdb podium)", error.Message);
        Assert.Throws<Npgsql.PostgresException>(() => PostgresServer.Execute(_database, "SELECT * FROM runs;"));
    }

    [Fact]
    public void A_wrong_password_is_one_line_naming_the_store_without_any_password()
    {
        var wrong = _database.Replace(":" + Password(_database) + "@", ":not-the-password@", StringComparison.Ordinal);

        var error = Assert.Throws<StoreException>(() => TrackingStores.Open(wrong));

        Assert.Equal($"store {WithoutPassword(_database)}: the password for user 'podium' was refused; give the right one in the address, PGPASSWORD or ~/.pgpass", error.Message);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_that_is_not_there_is_one_line()
    {
        var port = FreePort();
        var address = $"postgresql://podium:secret@127.0.0.1:{port}/podium";

        var error = Assert.Throws<StoreException>(() => TrackingStores.Open(address));

        Assert.Equal($"store postgresql://podium@127.0.0.1:{port}/podium: cannot reach a PostgreSQL server at 127.0.0.1:{port} (connection refused); is it running, and on that port?", error.Message);
    }

    [Fact]
    public void A_database_that_does_not_exist_is_one_line_that_says_how_to_make_it()
    {
        var missing = PostgresServer.WithDatabase(_database, "no_such_db");
        var uri = new Uri(missing);

        var error = Assert.Throws<StoreException>(() => TrackingStores.Open(missing));

        Assert.Equal($"store {WithoutPassword(missing)}: the server has no database 'no_such_db'; create it (createdb -h {uri.Host} -p {uri.Port} no_such_db) or name another", error.Message);
    }

    [Theory]
    [InlineData("postgresql://u:pw@host:notaport/db", "store 'postgresql://u:***@host:notaport/db': the port 'notaport' is not a number from 1 to 65535")]
    [InlineData("postgresql://u:pw@host:5432", "store 'postgresql://u:***@host:5432' names no database; give one after the host, e.g. postgresql://u@host:5432/podium")]
    [InlineData("postgresql://u@host/db?sslmod=require", "store 'postgresql://u@host/db?sslmod=require': unknown option 'sslmod'; the options are artifact_root, sslmode, connect_timeout, application_name")]
    [InlineData("mysql://u:pw@host/db", "store 'mysql://u:***@host/db': the mysql:// scheme is not one Podium opens; give a folder, a .db file, a postgresql:// database or an http(s):// server")]
    public void A_malformed_address_is_one_line_with_the_password_hidden(string address, string expected)
    {
        var error = Assert.Throws<StoreException>(() => TrackingStores.Open(address));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void The_password_comes_from_PGPASSWORD_or_the_password_file_when_the_address_has_none()
    {
        var bare = _database.Replace(":" + Password(_database) + "@", "@", StringComparison.Ordinal);
        var uri = new Uri(_database);
        var passfile = _folder.File("pgpass");
        File.WriteAllText(passfile, $"{uri.Host}:{uri.Port}:*:podium:{Password(_database)}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passfile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // A child process, so that the variables are its own.
        File.WriteAllText(_folder.File("empty"), "");
        var fromVariable = Child(bare, ("PGPASSWORD", Password(_database)), ("PGPASSFILE", _folder.File("empty")));
        var fromFile = Child(bare, ("PGPASSWORD", null), ("PGPASSFILE", passfile));
        var neither = Child(bare, ("PGPASSWORD", null), ("PGPASSFILE", _folder.File("empty")));
        var missingFile = Child(bare, ("PGPASSWORD", null), ("PGPASSFILE", _folder.File("none")));

        Assert.Equal("opened " + WithoutPassword(_database), fromVariable);
        Assert.Equal("opened " + WithoutPassword(_database), fromFile);
        Assert.Equal($"store {WithoutPassword(_database)}: the server wants a password for user 'podium'; give it in the address, PGPASSWORD or ~/.pgpass", neither);
        Assert.Equal($"store {WithoutPassword(_database)}: the password file {_folder.File("none")} does not exist; fix PGPASSFILE, or give the password in the address or PGPASSWORD", missingFile);
    }

    private static string Child(string address, params (string Name, string? Value)[] environment)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "Podium.Tracking.Worker.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [worker, "open", address]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }

    [Fact]
    public void Artifacts_in_the_database_stream_back_byte_for_byte_across_chunks()
    {
        using var store = TrackingStores.Open(_database);
        using var run = Tracker.Over(store, new TrackerOptions { CaptureSource = false }).StartRun("e");
        var bytes = RandomNumberGenerator.GetBytes((2 * PostgresStore.ArtifactChunkBytes) + 12345);

        var info = run.LogArtifact("weights/model.bin", new MemoryStream(bytes));
        using var copy = new MemoryStream();
        using (var read = store.OpenArtifact(run.Id, "weights/model.bin"))
        {
            read.CopyTo(copy, 4096);
        }

        Assert.Equal(bytes.Length, info.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Sha256);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Throws<ArtifactConflictException>(() => run.LogArtifact("weights/model.bin/inner", new MemoryStream([1])));
        Assert.Throws<ArtifactConflictException>(() => run.LogArtifact("weights", new MemoryStream([1])));
    }

    [Fact]
    public void With_an_artifact_root_artifacts_are_files_in_the_shared_folder_and_a_client_without_it_is_told_so()
    {
        var root = _folder.File("shared");
        var withRoot = _database + "?artifact_root=" + Uri.EscapeDataString(root);
        using var store = TrackingStores.Open(withRoot);
        using var run = Tracker.Over(store, new TrackerOptions { CaptureSource = false }).StartRun("e");

        run.LogArtifact("notes.txt", new MemoryStream("hello"u8.ToArray()));

        Assert.Equal("hello", File.ReadAllText(Path.Combine(root, run.Id, "notes.txt")));
        using (var read = new StreamReader(store.OpenArtifact(run.Id, "notes.txt")))
        {
            Assert.Equal("hello", read.ReadToEnd());
        }

        using var without = TrackingStores.Open(_database);
        var error = Assert.Throws<StoreException>(() => without.OpenArtifact(run.Id, "notes.txt"));
        Assert.Equal($"run {run.Id[..8]}'s artifact 'notes.txt' is kept in the store's artifact root, a shared folder; open the store with ?artifact_root=FOLDER, or read it through podium serve", error.Message);
    }

    [Fact]
    public void Writers_in_many_processes_lose_no_point_and_do_not_deadlock()
    {
        using (TrackingStores.Open(_database))
        {
        }

        // Four processes, each 3 runs × 2,000 points in flushes of 50, sharing metric keys they add in different orders.
        var worker = Path.Combine(AppContext.BaseDirectory, "Podium.Tracking.Worker.dll");
        var processes = Enumerable.Range(0, 4).Select(i => System.Diagnostics.Process.Start(
            new System.Diagnostics.ProcessStartInfo("dotnet", [worker, "write", _database, i.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardError = true,
            })!).ToList();
        foreach (var process in processes)
        {
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "a writer did not finish");
            Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
            process.Dispose();
        }

        using var store = TrackingStores.Open(_database);
        var runs = store.SearchRuns(RunQuery.All);
        Assert.Equal(12, runs.Count);
        foreach (var run in runs)
        {
            foreach (var key in new[] { "a", "b", "c" })
            {
                var history = store.GetMetricHistory(run.Info.Id, key);
                Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), history.Select(p => p.Step));
                Assert.Equal(2000, run.Metrics[key].Count);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
