using System.CommandLine;
using Podium.Experiments.Records;

namespace Podium.Cli.Commands;

/// <summary>podium compare RUN RUN …: what differs between runs.</summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter output)
    {
        var runs = new Argument<string[]>("RUN") { Description = "Two or more run ids (or unique prefixes)", Arity = new ArgumentArity(1, 100) };
        var command = new Command(
            "compare",
            """
            Show what differs between runs: params, data (name, fingerprint, augmentations per role), network
            (model, parameter counts, architecture) and final metrics. Fields that are the same are counted.

            Example:
              podium compare 7e31e631 a8384323
            """)
        {
            runs,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(runs)!.Length < 2)
            {
                throw new CliError($"compare needs two or more runs to set side by side, got one ('{parsed.GetValue(runs)![0]}'); podium show RUN shows one run");
            }

            using var tracker = PodiumCommand.OpenTracker(parsed);
            var records = parsed.GetValue(runs)!.Select(id => PodiumCommand.FindRun(tracker, id)).ToList();
            var diff = RunDiff.Compute(records);
            var header = new List<(string, bool)> { ("section", false), ("field", false) };
            header.AddRange(records.Select(r => ($"{r.Info.Name} ({r.Info.Id[..8]})", false)));
            if (diff.Rows.Count == 0)
            {
                output.WriteLine("no differences in params, data, network or metrics");
            }
            else
            {
                TerminalTable.Write(output, header, diff.Rows.Select(r => (IReadOnlyList<string>)[r.Section, r.Key, .. r.Values]));
            }

            output.WriteLine("the same in every run: " + string.Join(", ", diff.Same.Select(s => $"{s.Value} {s.Key}")) +
                (diff.NormsDiffering > 0 ? $"; {diff.NormsDiffering} per-layer norms differ (podium show RUN lists them)" : ""));
            return 0;
        });
        return command;
    }
}
