using System.CommandLine;
using Podium.Experiments.Sweeps;
using Podium.Tracking;

namespace Podium.Cli.Commands;

/// <summary>podium worker: claims sweeps' trials from the store and trains them here, until none is left.</summary>
internal static class WorkerCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var sweep = new Option<string?>("--sweep") { Description = "Work on this sweep only (its name or its run's id); by default on every sweep's trials" };
        var maxTrials = new Option<int?>("--max-trials") { Description = "Stop after this many trials (a Slurm array task: 1)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only a line per trial (what a sweep's own workers print)" };
        var lease = new Option<int>("--lease") { Description = "Seconds a claimed trial stays this worker's without news from it; renewed four times as often", DefaultValueFactory = _ => 60 };
        var command = new Command(
            "worker",
            """
            Work on sweeps' trials: claim the next pending trial from the store, train it here while holding its lease,
            record the run, mark the trial done, and go on until none is left. Start as many as you like, on any machine
            that reaches the store (PostgreSQL, or podium serve in front of it). A worker killed mid-trial loses its lease
            and the trial runs again elsewhere; Ctrl+C gives the trial back at once.

            Examples:
              podium worker --sweep halving
              PODIUM_TRACKING_URI=postgresql://podium@db/podium podium worker --threads 8
              podium worker --max-trials 1          (one Slurm array task)
            """)
        {
            sweep, maxTrials, lease, quiet, RunCommand.Threads(),
        };
        command.SetAction(parsed =>
        {
            var most = parsed.GetValue(maxTrials);
            if (most is < 1)
            {
                throw new CliError($"--max-trials must be at least 1, got {most}");
            }

            var seconds = parsed.GetValue(lease);
            if (seconds is < 2 or > 86_400)
            {
                throw new CliError($"--lease must be from 2 to 86400 seconds, got {seconds}");
            }

            using var tracker = Tracker.Open(PodiumCommand.StoreOf(parsed));
            var only = parsed.GetValue(sweep) is { } named ? SweepBoard.Find(tracker, named).Parent.Info.Id : null;
            using var interrupts = new Interrupts(error);
            var options = new WorkerOptions
            {
                Sweep = only,
                Threads = RunCommand.ThreadsOption(parsed),
                MaxTrials = most,
                Lease = TimeSpan.FromSeconds(seconds),
                Log = new LineWriter(output),
                Cancellation = interrupts.Token,
            };
            var chatty = parsed.GetValue(quiet) ? TextWriter.Null : output;
            TerminalTable.WriteWrapped(chatty, $"worker {options.Name} on {tracker.Store.Location}" + (only is null ? "" : $", sweep {parsed.GetValue(sweep)}"));
            WorkerOutcome outcome;
            try
            {
                outcome = SweepWorker.Run(tracker.Store, options);
            }
            catch (OperationCanceledException)
            {
                TerminalTable.WriteWrapped(chatty, $"worker {options.Name} stopped; its trial went back to the queue");
                return RunCommand.Interrupted;
            }

            TerminalTable.WriteWrapped(chatty, $"worker {options.Name} done: {outcome.Done} trial(s) finished, {outcome.Failed} failed, {outcome.Lost} taken over by other workers; no trial left to claim");
            return outcome.Failed > 0 ? 1 : 0;
        });
        return command;
    }

    /// <summary>Writes each line at once (a worker's lines are read by a sweep that passes them on).</summary>
    private sealed class LineWriter(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void WriteLine(string? value)
        {
            lock (inner)
            {
                TerminalTable.WriteWrapped(inner, value ?? "");
                inner.Flush();
            }
        }
    }
}
