using System.CommandLine;
using System.Diagnostics;
using Podium.Experiments;
using Podium.Experiments.Specs;
using Podium.Experiments.Sweeps;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;

namespace Podium.Cli.Commands;

/// <summary>podium sweep SPEC: grid, random or successive-halving search, as a queue of trials in the store that workers claim; resumable.</summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var spec = new Argument<string>("SPEC") { Description = "A sweep spec, YAML or JSON (see examples/specs/)" };
        var trials = new Option<int?>("--trials") { Description = "Random trials to draw (overrides the spec's 'trials')" };
        var workers = new Option<int>("--workers", "-w") { Description = "Worker processes to start here; 0 only puts the trials in the store's queue, for podium worker elsewhere", DefaultValueFactory = _ => 1 };
        var command = new Command(
            "sweep",
            """
            Run a sweep: its trials go into the store as a queue, and workers claim them, each trial a run that is a child
            of the sweep's run. --workers N starts N workers here; podium worker starts more on any machine that reaches
            the store. Started again with the same spec, it keeps the finished trials and retries the failed ones.

            Examples:
              podium sweep examples/specs/prototype-grid.yaml --workers 2
              podium sweep examples/specs/random-search.yaml --trials 20
              podium sweep examples/specs/halving.yaml --workers 0 --store postgresql://podium@db/podium
              podium sweep status halving
              podium board --best-of-sweep
            """)
        {
            spec, trials, workers,
        };
        command.Subcommands.Add(Status(output));
        command.SetAction(parsed =>
        {
            var sweep = SweepSpec.Load(parsed.GetValue(spec)!, parsed.GetValue(trials));
            var count = parsed.GetValue(workers);
            if (count < 0)
            {
                throw new CliError($"--workers must be 0 or more, got {count}");
            }

            using var board = Leaderboard.Open(PodiumCommand.StoreOf(parsed));
            using var interrupts = new Interrupts(error);
            return Execute(board, sweep, count, PodiumCommand.StoreOf(parsed), output, interrupts.Token);
        });
        return command;
    }

    /// <summary>podium sweep status NAME: the sweep's trials, pending, running (with their workers and leases), done and failed.</summary>
    private static Command Status(TextWriter output)
    {
        var name = new Argument<string>("SWEEP") { Description = "The sweep's name or its run's id" };
        var command = new Command("status", "Show a sweep's queue: each trial's status, attempts, worker and lease, and what went wrong.")
        {
            name,
        };
        command.SetAction(parsed =>
        {
            using var tracker = Tracker.OpenExisting(PodiumCommand.StoreOf(parsed));
            var sweep = SweepBoard.Find(tracker, parsed.GetValue(name)!);
            var trials = tracker.Store.ListTrials(sweep.Parent.Info.Id);
            WriteStatus(output, sweep.Parent, trials, DateTimeOffset.UtcNow);
            return 0;
        });
        return command;
    }

    /// <summary>The status table and its summary line.</summary>
    public static void WriteStatus(TextWriter output, RunRecord parent, IReadOnlyList<TrialState> trials, DateTimeOffset now)
    {
        var counts = string.Join(", ", Enum.GetValues<TrialStatus>().Select(s => $"{trials.Count(t => t.Status == s)} {s.ToString().ToLowerInvariant()}"));
        TerminalTable.WriteWrapped(output, $"sweep {parent.Info.Name} ({parent.Info.Id[..8]}, {parent.Info.Status.ToText()}): {trials.Count} trial(s): {counts}");
        if (trials.Count == 0)
        {
            TerminalTable.WriteWrapped(output, "no trials in the queue: this sweep ran before sweeps were queued, or podium sweep SPEC has not enqueued it");
            return;
        }

        var rounds = trials.Max(t => t.Round) > 0;
        (string, bool)[] columns = [("trial", true), .. rounds ? new[] { ("round", true) } : [], ("name", false), ("status", false), ("attempts", true), ("worker", false), ("lease", false), ("run", false)];
        var rows = trials.Select(t => (IReadOnlyList<string>)[
            (t.Index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. rounds ? new[] { (t.Round + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) } : [],
            t.Name,
            t.Status.ToString().ToLowerInvariant(),
            $"{t.Attempts}/{t.MaxAttempts}",
            t.Worker ?? "",
            t.Status == TrialStatus.Running && t.LeaseExpires is { } expires ? Lease(expires - now) : "",
            t.RunId?[..8] ?? "",
        ]).ToList();
        TerminalTable.Write(output, columns, rows);
        var workers = trials.Where(t => t.Status == TrialStatus.Running && t.Worker is not null).Select(t => t.Worker!).Distinct().ToList();
        if (workers.Count > 0)
        {
            TerminalTable.WriteWrapped(output, $"working: {string.Join(", ", workers)}");
        }

        foreach (var trial in trials.Where(t => t.Errors.Length > 0))
        {
            foreach (var line in trial.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                TerminalTable.WriteWrapped(output, $"trial {trial.Index + 1}{(rounds ? $" round {trial.Round + 1}" : "")}: {line}");
            }
        }
    }

    private static string Lease(TimeSpan left) => left > TimeSpan.Zero
        ? $"{Math.Ceiling(left.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)} s left"
        : $"ran out {Math.Floor(-left.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)} s ago";

    /// <summary>Runs the sweep, printing each trial and then the sweep's leaderboard; returns the exit code.</summary>
    public static int Execute(Leaderboard board, SweepSpec sweep, int workers, string? location, TextWriter output, CancellationToken cancellation)
    {
        // Workers open the store as it was named (a folder keeps its artifacts beside the database in artifacts/).
        var resolved = TrackingStores.Resolve(location);
        var store = resolved.Contains("://", StringComparison.Ordinal) ? resolved : Path.GetFullPath(resolved);
        var clock = Stopwatch.StartNew();
        if (workers == 0)
        {
            var parentId = Sweep.Enqueue(board.Tracker, sweep);
            var queued = board.Tracker.Store.ListTrials(parentId);
            TerminalTable.WriteWrapped(output, $"sweep {sweep.Name} ({parentId[..8]}): {queued.Count(t => t.Status == TrialStatus.Pending)} trial(s) waiting in {board.Tracker.Store.Location}, {queued.Count(t => t.Status == TrialStatus.Done)} done");
            TerminalTable.WriteWrapped(output, $"start workers on any machine that reaches the store: podium worker --sweep {sweep.Name}; follow them with: podium sweep status {sweep.Name}");
            return 0;
        }

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

    /// <summary>This same program as a worker for the sweep: <c>podium worker --sweep ID --store … --threads …</c>.</summary>
    private static ProcessStartInfo Worker(string store, WorkerLaunch launch)
    {
        var start = SelfStart();
        foreach (var argument in (string[])["worker", "--sweep", launch.ParentRunId, "--store", store, "--threads", launch.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--quiet"])
        {
            start.ArgumentList.Add(argument);
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
