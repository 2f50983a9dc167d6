using System.CommandLine;
using Podium.Experiments;
using Podium.Experiments.Records;

namespace Podium.Cli.Commands;

/// <summary>podium reproduce RUN: re-runs a run from its recorded spec and says whether every metric is bit-identical.</summary>
internal static class ReproduceCommand
{
    /// <summary>Exit code when the reproduction differs.</summary>
    public const int Differs = 3;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = new Argument<string>("RUN") { Description = "The run's id (or a unique prefix)" };
        var command = new Command(
            "reproduce",
            """
            Re-run a run from the spec it recorded, after checking that its data has the recorded fingerprint, then
            compare every metric value bit for bit (timings excepted) and the final weights. The new run is named
            NAME-repro and tagged podium.reproduces=RUN (podium board leaves it out unless --reproductions).
            Exit code 0 when identical, 3 when not.

            Example:
              podium reproduce 7e31e631
            """)
        {
            run, RunCommand.Threads(),
        };
        command.SetAction(parsed =>
        {
            var threads = RunCommand.ThreadsOption(parsed);
            using var board = Leaderboard.Open(PodiumCommand.StoreOf(parsed));
            var original = PodiumCommand.FindRun(board.Tracker, parsed.GetValue(run)!);

            using var interrupts = new Interrupts(error);
            TerminalTable.WriteWrapped(output, $"reproducing {original.Info.Name} ({original.Info.Id[..8]}) from its recorded spec");
            ReproductionReport report;
            try
            {
                report = Reproduction.Run(board, original.Info.Id, RunCommand.Training(output, interrupts.Token, threads));
            }
            catch (OperationCanceledException)
            {
                output.WriteLine("reproduction interrupted");
                return RunCommand.Interrupted;
            }

            var weights = report.WeightsIdentical switch
            {
                true => "; final weights identical (SHA-256)",
                false => "; final weights differ",
                null => "",
            };
            if (report.Identical)
            {
                TerminalTable.WriteWrapped(output, $"bit-identical: all {report.Metrics} metrics ({report.Points} values) of run {report.RunId[..8]} match {report.OriginalRunId[..8]}{weights}");
                return 0;
            }

            TerminalTable.WriteWrapped(output, $"not identical: first difference {report.FirstDifference} (run {report.RunId[..8]} against {report.OriginalRunId[..8]}){weights}");
            return Differs;
        });
        return command;
    }
}
