using System.CommandLine;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;

namespace Podium.Cli.Commands;

/// <summary>podium example: fills a store with simulated runs shaped like the prototype's twelve, and ranks them.</summary>
internal static class ExampleCommand
{
    public const string DefaultFolder = "podium-example";

    public static Command Create(TextWriter output)
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the simulation", DefaultValueFactory = _ => 7 };
        var runs = new Option<int>("--runs", "-n")
        {
            Description = $"How many runs: the prototype's {ExampleRuns.Grid} first, then more configurations (some killed or failed), to try a big store",
            DefaultValueFactory = _ => ExampleRuns.Grid,
        };
        var command = new Command(
            "example",
            $"""
            Create an example store of simulated runs (the prototype's grid: basic_cnn and vgg16 over optimizers
            and batch sizes) and print its leaderboard. Writes to --store, else $PODIUM_TRACKING_URI, else ./{DefaultFolder}.
            The runs are simulated, not trained, and are tagged simulated=true; `podium demo` trains real ones.

            Example:
              podium example && podium board --store {DefaultFolder} --format html --output board.html
              podium example --runs 10000 --store big
            """)
        {
            seed, runs,
        };
        command.SetAction(parsed =>
        {
            // Where every other command looks: --store, else $PODIUM_TRACKING_URI (a folder or a podium serve address), else ./podium-example.
            var location = PodiumCommand.StoreOf(parsed)
                ?? (Environment.GetEnvironmentVariable(TrackingStores.UriVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultFolder);
            if (parsed.GetValue(runs) is < 1 or > 1_000_000)
            {
                throw new CliError($"--runs must be between 1 and 1,000,000, got {parsed.GetValue(runs)}");
            }

            var clock = new ManualClock(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
            // The clock jumps a simulated epoch at a time; runs are written in one batch at their end, not one per simulated minute.
            using var tracker = Tracker.Open(location, new TrackerOptions { Clock = clock, CaptureSource = false, FlushInterval = TimeSpan.FromDays(365) });
            var existing = tracker.Store.CountRuns(RunQuery.All with { Experiment = ExampleRuns.Experiment });
            if (existing > 0)
            {
                // Running the example again shows it again; it does not pile up copies of the same runs.
                TerminalTable.WriteWrapped(output, $"{tracker.Store.Location} already holds the example's {existing} simulated runs");
            }
            else
            {
                var stopwatch = System.Diagnostics.Stopwatch.StartNew();
                var written = ExampleRuns.Write(tracker, clock, parsed.GetValue(seed), parsed.GetValue(runs));
                TerminalTable.WriteWrapped(output, $"wrote {written} simulated runs to {tracker.Store.Location} in {stopwatch.Elapsed.TotalSeconds:F1} s");
            }

            output.WriteLine();
            var table = tracker.Leaderboard(columns: LeaderboardColumn.CompactNames, limit: BoardCommand.TerminalRows,
                experiment: ExampleRuns.Experiment, scope: LeaderboardTable.Ranked());
            BoardCommand.WriteTable(output, table, runs: "finished runs");
            output.WriteLine();
            TerminalTable.WriteWrapped(output, $"next: podium board --store {location} --format html --output leaderboard.html");
            return 0;
        });
        return command;
    }
}
