using Microsoft.Data.Sqlite;
using Podium.Tests;
using Xunit;

namespace Podium.Tracking.Tests.Stores;

public sealed class SqliteStoreFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_search_over_thousands_of_runs_loads_in_parallel_pieces_the_same_records_in_the_same_order_as_one_by_one()
    {
        using var tracker = Tracker.Open(_folder.File("many"), new TrackerOptions { CaptureSource = false });
        for (var i = 0; i < 2_345; i++)
        {
            using var run = tracker.StartRun(i % 3 == 0 ? "a" : "b", $"run-{i}");
            run.LogParams(new Dictionary<string, object> { ["i"] = i, ["optimizer"] = i % 2 == 0 ? "adam" : "sgd" });
            run.LogMetric("acc", (i * 7919 % 1000) / 1000.0);
            run.LogMetric("precision/cat", i / 3000.0);
            run.SetTag("parity", (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
            run.End();
        }

        var all = tracker.Store.SearchRuns(Podium.Tracking.Query.RunQuery.Parse("ORDER BY metrics.acc DESC, params.i ASC"));

        Assert.Equal(2_345, all.Count);
        var expected = all.Select(r => Dump(tracker.Store.GetRun(r.Info.Id)!)).ToList();
        Assert.Equal(expected, all.Select(Dump).ToList());
        var accuracies = all.Select(r => r.Metrics["acc"].Last).ToList();
        Assert.Equal(accuracies.OrderDescending(), accuracies);

        static string Dump(RunRecord record) => System.Text.Json.JsonSerializer.Serialize(record, TrackingJson.Options);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_and_left_byte_for_byte()
    {
        var path = _folder.File("notes.db");
        var bytes = "these are my notes, not a database\n"u8.ToArray();
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<StoreException>(() => TrackingStores.Open(path));

        Assert.Contains("is not a Podium store", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Another_programs_sqlite_database_is_refused_and_unchanged()
    {
        var path = _folder.File("other.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE customers(id INTEGER, name TEXT); INSERT INTO customers VALUES (1, 'Ada');";
            create.ExecuteNonQuery();
        }

        var before = File.ReadAllBytes(path);

        var error = Assert.Throws<StoreException>(() => TrackingStores.Open(path));

        Assert.Contains("not a Podium store", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + "-wal"));
    }

    [Fact]
    public void A_store_from_a_newer_schema_is_refused_and_unchanged()
    {
        var path = _folder.File("newer.db");
        using (var store = TrackingStores.Open(path))
        using (var tracker = Tracker.Over(store, new TrackerOptions { CaptureSource = false }))
        {
            tracker.StartRun("exp", "kept").End();
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var bump = connection.CreateCommand();
            bump.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA user_version = 99;";
            bump.ExecuteNonQuery();
        }

        var before = StoreDump.Of(path);

        var error = Assert.Throws<StoreException>(() => TrackingStores.Open(path));

        Assert.Contains("newer Podium", error.Message, StringComparison.Ordinal);
        Assert.Contains("99", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, StoreDump.Of(path));
    }

    [Fact]
    public void A_folder_store_holds_the_database_and_artifacts_inside()
    {
        var folder = _folder.File("team-store");

        using (var store = TrackingStores.Open(folder))
        using (var tracker = Tracker.Over(store, new TrackerOptions { CaptureSource = false }))
        using (var run = tracker.StartRun("exp"))
        {
            run.LogArtifact("a.txt", new MemoryStream([1]));
        }

        Assert.True(File.Exists(Path.Combine(folder, "podium.db")));
        Assert.Single(Directory.GetFiles(Path.Combine(folder, "artifacts"), "a.txt", SearchOption.AllDirectories));
    }

    [Fact]
    public void Reopening_a_store_keeps_everything()
    {
        var folder = _folder.File("store");
        string id;
        using (var tracker = Tracker.Open(folder, new TrackerOptions { CaptureSource = false }))
        {
            using var run = tracker.StartRun("exp", "kept");
            run.LogParam("lr", 0.01);
            run.LogMetric("loss", 0.25);
            run.End();
            id = run.Id;
        }

        using var again = Tracker.Open(folder);
        var stored = again.Store.GetRun(id)!;
        Assert.Equal("kept", stored.Info.Name);
        Assert.Equal(0.25, stored.Metrics["loss"].Last);
        Assert.Equal(0.01, stored.Params["lr"].Number);
    }

    [Fact]
    public void An_unsupported_scheme_names_itself()
    {
        var error = Assert.Throws<StoreException>(() => TrackingStores.Open("mysql://somewhere/db"));

        Assert.Contains("mysql://", error.Message, StringComparison.Ordinal);
    }
}
