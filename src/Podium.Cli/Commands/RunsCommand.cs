using System.CommandLine;
using System.Globalization;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;

namespace Podium.Cli.Commands;

/// <summary>podium runs: the newest runs, one line each.</summary>
internal static class RunsCommand
{
    public static Command Create(TextWriter output)
    {
        var filter = new Option<string?>("--filter", "-f") { Description = "Which runs, in the query language" };
        var limit = new Option<int>("--limit", "-n")
        {
            Description = "At most this many runs",
            DefaultValueFactory = _ => 20,
        };
        var experiment = new Option<string?>("--experiment", "-e") { Description = "Only runs of this experiment" };
        var allowMissing = PodiumCommand.AllowMissing();
        var trash = new Option<bool>("--trash") { Description = "List the runs in the trash (podium delete puts them there)" };
        var command = new Command(
            "runs",
            """
            List runs, newest first.

            Examples:
              podium runs
              podium runs --filter "attributes.status = 'failed'" --limit 50
              podium runs --trash
            """)
        {
            filter, limit, experiment, allowMissing, trash,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(limit) <= 0)
            {
                throw new CliError("--limit must be at least 1");
            }

            using var tracker = PodiumCommand.OpenTracker(parsed);
            var query = RunQuery.Parse(parsed.GetValue(filter));
            query = query with
            {
                Limit = parsed.GetValue(limit),
                Experiment = parsed.GetValue(experiment),
                Trash = parsed.GetValue(trash),
                OrderBy = query.OrderBy.Count > 0 ? query.OrderBy : RunQuery.ParseOrderBy("attributes.start_time DESC"),
            };
            PodiumCommand.CheckNames(tracker, query.Experiment, KeyCheck.Fields(query), parsed.GetValue(allowMissing));
            var runs = tracker.Store.SearchRuns(query);
            if (runs.Count == 0)
            {
                output.WriteLine(parsed.GetValue(trash) ? "the trash is empty" : "no runs");
                return 0;
            }

            TerminalTable.Write(
                output,
                [("id", false), ("name", false), ("experiment", false), ("status", false), ("started (UTC)", false), ("duration", true)],
                runs.Select(r => (IReadOnlyList<string>)
                [
                    r.Info.Id[..8], r.Info.Name, r.Info.Experiment, r.Info.Status.ToText(),
                    r.Info.StartTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    r.Info.Duration is { } d ? LeaderboardFormat.Duration(d.TotalSeconds) : "",
                ]));
            return 0;
        });
        return command;
    }
}
