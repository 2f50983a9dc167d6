using System.CommandLine;
using System.Diagnostics;
using Podium.Experiments;
using Podium.Experiments.Specs;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Cli.Commands;

/// <summary>podium run SPEC: trains, evaluates and records one run from a YAML or JSON spec.</summary>
internal static class RunCommand
{
    /// <summary>Exit code of a run stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>--threads, a new option per command (see PodiumCommand's --store for why).</summary>
    public static Option<int?> Threads() => new("--threads") { Description = "Threads for training (default: every core); results are the same whatever the number" };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var spec = new Argument<string>("SPEC") { Description = "A run spec, YAML or JSON (see examples/specs/)" };
        var parent = new Option<string?>("--parent") { Description = "Record the run as a child of this run (sweeps)" };
        var tags = new Option<string[]>("--tag") { Description = "A tag KEY=VALUE to set on the run (repeatable)", AllowMultipleArgumentsPerToken = false };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress, only the result" };
        var command = new Command(
            "run",
            """
            Train, evaluate and record one run from a spec file: its data, network, every epoch, the evaluation,
            charts and weights. Ctrl+C stops at the end of a batch and keeps the finished epochs (the run is marked killed).

            Example:
              podium run examples/specs/basic_cnn.yaml
            """)
        {
            spec, parent, tags, quiet, Threads(),
        };
        command.SetAction(parsed =>
        {
            var file = RunFile.Load(parsed.GetValue(spec)!);
            var tagValues = (parsed.GetValue(tags) ?? []).Select(ParseTag).ToDictionary(t => t.Key, t => t.Value);
            var threads = ThreadsOption(parsed);
            // Checked against its data before the store is even opened: a spec that cannot train leaves no trace.
            var prepared = PreparedRun.Of(file);
            using var board = Leaderboard.Open(PodiumCommand.StoreOf(parsed));
            using var interrupts = new Interrupts(error);
            var (code, _) = Execute(board, prepared, parsed.GetValue(parent), tagValues, output, interrupts.Token, threads, parsed.GetValue(quiet));
            if (code == 0 && !parsed.GetValue(quiet))
            {
                TerminalTable.WriteWrapped(output, $"store: {board.Tracker.Store.Location}");
            }

            return code;
        });
        return command;
    }

    /// <summary>--threads, checked: null when not given.</summary>
    public static int? ThreadsOption(ParseResult parsed) =>
        parsed.GetValue<int?>("--threads") is { } threads && threads < 1 ? throw new CliError($"--threads must be at least 1, got {threads}") : parsed.GetValue<int?>("--threads");

    /// <summary>Training options that print Keras's progress to <paramref name="output"/> (a bar on a terminal, a line per epoch elsewhere).</summary>
    public static TrainingOptions Training(TextWriter output, CancellationToken cancellation, int? threads) => new()
    {
        Threads = threads, Progress = output == TextWriter.Null ? null : output, Verbose = 0, ProgressOnTerminal = TerminalTable.IsTerminal(output),
        ProgressWidth = TerminalTable.Width(output), Cancellation = cancellation,
    };

    /// <summary>
    /// Runs a spec through every stage, printing progress and the run's row (quiet: only the line that ends it, with
    /// the run's id and result); returns the exit code and the run's id.
    /// </summary>
    public static (int Code, string RunId) Execute(Leaderboard board, PreparedRun prepared, string? parent, IReadOnlyDictionary<string, string>? tags, TextWriter output, CancellationToken cancellation, int? threads = null, bool quiet = false)
    {
        var clock = Stopwatch.StartNew();
        var chatty = quiet ? TextWriter.Null : output;
        var training = Training(chatty, cancellation, threads);
        training.ApplyThreads();
        var file = prepared.File;
        using var run = board.StartRun(prepared, parent, tags);
        TerminalTable.WriteWrapped(chatty, $"run {run.Run.Id[..8]} {file.Run.DisplayName} on {file.Data.DisplayName} ({run.Run.Info.Experiment})");
        try
        {
            run.Build();
            run.Fit(training).Evaluate();
        }
        catch (OperationCanceledException)
        {
            var epochs = board.Tracker.Store.GetRun(run.Run.Id)?.Metrics.GetValueOrDefault(RunMetrics.ValLoss)?.LastStep ?? 0;
            TerminalTable.WriteWrapped(output, $"run {run.Run.Id[..8]} killed after {epochs} finished epoch(s); they are kept in the store");
            return (Interrupted, run.Run.Id);
        }

        run.Outputs();
        var report = run.Report!;
        TerminalTable.WriteWrapped(output, $"run {run.Run.Id[..8]} finished in {clock.Elapsed.TotalSeconds:F1} s: accuracy {LeaderboardFormat.Number(report.Accuracy)}, macro F1 {LeaderboardFormat.Number(report.Macro.F1)}, ROC AUC {LeaderboardFormat.Number(report.MacroRoc.Auc)}"
            + (run.TestReport is { } test ? $"; test accuracy {LeaderboardFormat.Number(test.Accuracy)} on {test.Count} images" : ""));
        if (!quiet)
        {
            var row = board.Table(new RunQuery(Field.Attribute("run_id").Is(run.Run.Id), [], null), LeaderboardColumn.CompactNames);
            BoardCommand.WriteTable(output, row, footer: false);
        }

        return (0, run.Run.Id);
    }

    private static KeyValuePair<string, string> ParseTag(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? new(text[..equals], text[(equals + 1)..]) : throw new CliError($"--tag '{text}' is not KEY=VALUE");
    }
}
