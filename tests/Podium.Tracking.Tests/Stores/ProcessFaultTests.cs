using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Podium.Tests;
using Podium.Tracking.Query;
using Xunit;

namespace Podium.Tracking.Tests.Stores;

/// <summary>Real processes on one SQLite store: several writers at once, and a writer killed with SIGKILL.</summary>
public sealed class ProcessFaultTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ProcessStartInfo Worker(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Podium.Tracking.Worker.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    [Fact]
    public async Task Four_processes_logging_to_one_store_lose_no_point_and_see_no_lock_error()
    {
        // Given four processes, each logging 5 runs of 20,000 points, flushing every 1,000
        var store = _folder.File("shared");
        const int Runs = 5, Points = 20_000;
        var processes = Enumerable.Range(0, 4)
            .Select(w => Process.Start(Worker("concurrent", store, "w" + w, Runs.ToString(), Points.ToString()))!)
            .ToList();

        // When they all finish
        var outputs = await Task.WhenAll(processes.Select(async p =>
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return (p.ExitCode, Out: await stdout, Err: await stderr);
        }));

        // Then every process succeeded and every point is there
        Assert.All(outputs, o =>
        {
            Assert.True(o.ExitCode == 0, $"worker failed with {o.ExitCode}: {o.Err}");
            Assert.DoesNotContain("locked", o.Err, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("done", o.Out.Trim());
        });
        using var opened = TrackingStores.Open(store);
        var runs = opened.SearchRuns(RunQuery.All);
        Assert.Equal(4 * Runs, runs.Count);
        Assert.All(runs, run =>
        {
            Assert.Equal(RunStatus.Finished, run.Info.Status);
            Assert.Equal(Points, run.Metrics["loss"].Count);
            Assert.Equal(Points - 1, run.Metrics["loss"].Last);
            var history = opened.GetMetricHistory(run.Info.Id, "loss");
            Assert.Equal(Enumerable.Range(0, Points).Select(i => (double)i), history.Select(p => p.Value));
        });
    }

    [Fact]
    public async Task A_process_killed_while_logging_leaves_what_it_flushed_intact_and_the_run_not_finished()
    {
        // Given a process logging points and flushing every 500
        var store = _folder.File("victim");
        using var process = Process.Start(Worker("until-killed", store, "500"))!;
        long flushed = 0;
        while (flushed < 5_000)
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                ?? throw new InvalidOperationException("worker ended early: " + await process.StandardError.ReadToEndAsync());
            flushed = long.Parse(line["flushed ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        }

        // When it is killed with SIGKILL in the middle of logging
        process.Kill();
        await process.WaitForExitAsync();
        Assert.Equal(137, process.ExitCode);

        // Then the store opens, is consistent, and holds at least every flushed point, in order
        using (var check = new SqliteConnection($"Data Source={Path.Combine(store, "podium.db")};Pooling=False"))
        {
            check.Open();
            using var integrity = check.CreateCommand();
            integrity.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", integrity.ExecuteScalar());
        }

        using var opened = TrackingStores.Open(store);
        var run = opened.SearchRuns(RunQuery.All).Single();
        Assert.Equal(RunStatus.Running, run.Info.Status);
        Assert.Null(run.Info.EndTime);
        var history = opened.GetMetricHistory(run.Info.Id, "value");
        Assert.True(history.Count >= flushed, $"{history.Count} points stored, {flushed} reported flushed");
        Assert.Equal(0, history.Count % 500);
        Assert.Equal(Enumerable.Range(0, history.Count).Select(i => (double)i), history.Select(p => p.Value));
        Assert.Equal(history.Count, run.Metrics["value"].Count);
    }
}
