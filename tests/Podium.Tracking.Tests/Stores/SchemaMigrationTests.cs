using Podium.Tests;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Tracking.Tests.Stores;

/// <summary>
/// A store written by the previous Podium (schema version 1, commit c42db07): a two-trial grid sweep, a reproduction of
/// its best trial and the twelve example runs, made with that version's own CLI (podium sweep, reproduce, example).
/// Opening it with this version renames Podium's tags under podium. and keeps everything else.
/// </summary>
public sealed class SchemaMigrationTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _store;

    public SchemaMigrationTests()
    {
        _store = Directory.CreateDirectory(_folder.File("store")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Stores", "Fixtures", "v1-store.db"), Path.Combine(_store, "podium.db"));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_old_tag_names_move_under_the_prefix_and_nothing_else_changes()
    {
        var database = Path.Combine(_store, "podium.db");
        var (tablesBefore, tagsBefore) = Dump(database);

        using var tracker = Tracker.Open(_store, new TrackerOptions { CaptureSource = false });
        var runs = tracker.Store.SearchRuns(RunQuery.All);

        Assert.Equal(16, runs.Count);
        var parent = Assert.Single(runs, r => r.Tags.ContainsKey(RunTags.Sweep));
        Assert.Equal("c07bdb8be4e6874e", parent.Tags[RunTags.Sweep]);
        Assert.Equal("2", parent.Tags[RunTags.SweepTrials]);
        Assert.Equal("0", parent.Tags[RunTags.SweepFailedTrials]);
        var best = Assert.Single(runs, r => r.Tags.GetValueOrDefault(RunTags.SweepBest) == "true");
        Assert.Equal(best.Info.Id, parent.Tags[RunTags.SweepBestRunId]);
        Assert.Equal(best.Info.Name, parent.Tags[RunTags.SweepBestRunName]);
        var trials = runs.Where(r => r.Tags.ContainsKey(RunTags.SweepKey)).ToList();
        Assert.Equal(["0", "1"], trials.Select(t => t.Tags[RunTags.SweepTrial]).Order());
        Assert.All(trials, t => Assert.Equal("0", t.Tags[RunTags.SweepRound]));
        Assert.Equal(best.Info.Id, Assert.Single(runs, r => r.Tags.ContainsKey(RunTags.Reproduces)).Tags[RunTags.Reproduces]);
        Assert.Equal(12, runs.Count(r => r.Tags.GetValueOrDefault(RunTags.Simulated) == "true"));
        Assert.Contains(runs, r => r.Tags.ContainsKey(RunTags.Warning(2)));
        var oldNames = RunTags.Renamed.Select(r => r.Old).ToHashSet();
        Assert.DoesNotContain(runs.SelectMany(r => r.Tags.Keys), k => oldNames.Contains(k) || k.StartsWith("warning/", StringComparison.Ordinal));

        // Every other table is as it was; the tags keep their runs and values, only their keys moved. Version 3
        // added the trash's column to runs, empty for every run; version 4 the sweep queue's table, empty.
        Assert.All(runs, r => Assert.Null(r.Info.TrashedTime));
        var (tablesAfter, tagsAfter) = Dump(database, "trashed_at");
        Assert.EndsWith("# sweep_trials\n", tablesAfter, StringComparison.Ordinal);
        Assert.Equal(tablesBefore, tablesAfter[..^"# sweep_trials\n".Length]);
        Assert.Equal(tagsBefore.Select(Renamed).Order(StringComparer.Ordinal), tagsAfter.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_best_of_sweep_view_of_a_migrated_store_keeps_the_best_trial_and_the_runs_outside_sweeps()
    {
        using var tracker = Tracker.Open(_store, new TrackerOptions { CaptureSource = false });

        var table = tracker.Leaderboard(scope: LeaderboardTable.BestOfSweep, columns: ["run"]);

        // 12 example runs, the reproduction, and the adam trial (the best); not the sweep's own run or the sgd trial.
        Assert.Equal(14, table.Rows.Count);
        Assert.Equal(2, table.Runs.Count(r => r.Info.Name == "basic_cnn-adam-b32-e2-early-t1"));
        Assert.DoesNotContain(table.Runs, r => r.Info.Name is "v1-sweep" or "basic_cnn-sgd-b32-e2-early-t2");
    }

    /// <summary>Every table but tags, as text; and the tags, one "run_pk key=value" line each.</summary>
    private static (string Tables, List<string> Tags) Dump(string database, params string[] skipColumns)
    {
        var all = StoreDump.Of(database, skipColumns);
        var start = all.IndexOf("# tags\n", StringComparison.Ordinal);
        var end = all.IndexOf("# ", start + 1, StringComparison.Ordinal);
        var tags = all[(start + "# tags\n".Length)..(end < 0 ? all.Length : end)]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(cells => $"{cells[0]} {cells[1]}={cells[2]}")
            .ToList();
        return (all[..start] + (end < 0 ? "" : all[end..]), tags);
    }

    /// <summary>A version-1 tag line with its key renamed as the migration renames it.</summary>
    private static string Renamed(string line)
    {
        var (run, rest) = (line[..line.IndexOf(' ', StringComparison.Ordinal)], line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var key = rest[..rest.IndexOf('=', StringComparison.Ordinal)];
        var renamed = RunTags.Renamed.FirstOrDefault(r => r.Old == key).New
            ?? (key.StartsWith("warning/", StringComparison.Ordinal) ? RunTags.WarningPrefix + key["warning/".Length..] : key);
        return $"{run} {renamed}{rest[key.Length..]}";
    }
}
