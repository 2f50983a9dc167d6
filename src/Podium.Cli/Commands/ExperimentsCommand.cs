using System.CommandLine;
using System.Globalization;
using Podium.Tracking.Query;

namespace Podium.Cli.Commands;

/// <summary>podium experiments: every experiment with its run count.</summary>
internal static class ExperimentsCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command(
            "experiments",
            """
            List experiments and how many runs each has.

            Example:
              podium experiments --store ./podium-example
            """);
        command.SetAction(parsed =>
        {
            using var tracker = PodiumCommand.OpenTracker(parsed);
            var experiments = tracker.Store.ListExperiments();
            if (experiments.Count == 0)
            {
                TerminalTable.WriteWrapped(output, $"no experiments in {tracker.Store.Location}");
                return 0;
            }

            TerminalTable.Write(
                output,
                [("experiment", false), ("runs", true), ("created (UTC)", false)],
                experiments.Select(e => (IReadOnlyList<string>)
                [
                    e.Name,
                    tracker.Store.CountRuns(RunQuery.All with { Experiment = e.Name }).ToString(CultureInfo.InvariantCulture),
                    e.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ]));
            return 0;
        });
        return command;
    }
}
