using System.CommandLine;
using System.Diagnostics;
using Podium.Experiments;
using Podium.Experiments.Specs;
using Podium.Experiments.Sweeps;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;

namespace Podium.Cli.Commands;

/// <summary>podium sweep SPEC: grid, random or successive-halving search, trials in worker processes, resumable.</summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var spec = new Argument<string>("SPEC") { Description = "A sweep spec, YAML or JSON (see examples/specs/)" };
        var trials = new Option<int?>("--trials") { Description = "Random trials to draw (overrides the spec's 'trials')" };
        var workers = new Option<int>("--workers", "-w") { Description = "Trials training at once, each in its own process", DefaultValueFactory = _ => 1 };
        var command = new Command(
            "sweep",
            """
            Run a sweep: every trial is a run, a child of the sweep's run, trained in one of --workers processes that
            all write to one store. Started again with the same spec, it skips the trials already finished.

            Examples:
              podium sweep examples/specs/prototype-grid.yaml --workers 2
              podium sweep examples/specs/random-search.yaml --trials 20
              podium board --best-of-sweep
            """)
        {
            spec, trials, workers,
        };
        command.SetAction(parsed =>
        {
            var sweep = SweepSpec.Load(parsed.GetValue(spec)!, parsed.GetValue(trials));
            var count = parsed.GetValue(workers);
            if (count < 1)
            {
                throw new CliError($"--workers must be at least 1, got {count}");
            }

            using var board = Leaderboard.Open(PodiumCommand.StoreOf(parsed));
            using var interrupts = new Interrupts(error);
            return Execute(board, sweep, count, PodiumCommand.StoreOf(parsed), output, interrupts.Token);
        });
        return command;
    }

    /// <summary>Runs the sweep, printing each trial and then the sweep's leaderboard; returns the exit code.</summary>
    public static int Execute(Leaderboard board, SweepSpec sweep, int workers, string? location, TextWriter output, CancellationToken cancellation)
    {
        // Workers open the store as it was named (a folder keeps its artifacts beside the database in artifacts/).
        var resolved = TrackingStores.Resolve(location);
        var store = resolved.Contains("://", StringComparison.Ordinal) ? resolved : Path.GetFullPath(resolved);
        var clock = Stopwatch.StartNew();
        TerminalTable.WriteWrapped(output, $"sweep {sweep.Name}: {sweep.Method.ToString().ToLowerInvariant()}, {sweep.Candidates().Count} candidates, {workers} worker(s), ranked by {sweep.Metric} ({(sweep.Maximize ? "higher" : "lower")} is better)");
        SweepOutcome outcome;
        try
        {
            outcome = Sweep.Run(board, sweep, new SweepOptions
            {
                Workers = workers,
                Log = output,
                Cancellation = cancellation,
                Launcher = launch => Worker(store, launch),
            });
        }
        catch (OperationCanceledException)
        {
            TerminalTable.WriteWrapped(output, $"sweep {sweep.Name} interrupted; start it again to run the trials not yet finished");
            return RunCommand.Interrupted;
        }

        TerminalTable.WriteWrapped(output, $"sweep {sweep.Name} done in {clock.Elapsed.TotalSeconds:F1} s: {outcome.Ran} trial(s) run, {outcome.Skipped} already finished, {outcome.Failed} failed");
        var ranked = SweepBoard.Find(board.Tracker, outcome.ParentRunId);
        var table = board.Table(ranked.Query(), ranked.Columns);
        if (table.Rows.Count > 0)
        {
            BoardCommand.WriteTable(output, table);
        }

        if (outcome.Best is { } best)
        {
            TerminalTable.WriteWrapped(output, $"best: {best.Name} ({best.RunId[..8]}), {sweep.Metric} {LeaderboardFormat.Number(best.Score)}; sweep run {outcome.ParentRunId[..8]}");
        }

        return outcome.Failed > 0 ? 1 : 0;
    }

    /// <summary>This same program, running one trial: <c>podium run FILE --parent … --tag … --threads … --quiet</c>.</summary>
    private static ProcessStartInfo Worker(string store, TrialLaunch launch)
    {
        var start = SelfStart();
        foreach (var argument in (string[])["run", launch.SpecFile, "--store", store, "--parent", launch.ParentRunId, "--threads", launch.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--quiet"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in launch.Tags)
        {
            start.ArgumentList.Add("--tag");
            start.ArgumentList.Add($"{key}={value}");
        }

        return start;
    }

    /// <summary>How to start this program again: its own executable, or `dotnet podium.dll` under the dotnet host.</summary>
    private static ProcessStartInfo SelfStart()
    {
        var path = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            var start = new ProcessStartInfo(path);
            start.ArgumentList.Add(typeof(SweepCommand).Assembly.Location);
            return start;
        }

        return new ProcessStartInfo(path);
    }
}
