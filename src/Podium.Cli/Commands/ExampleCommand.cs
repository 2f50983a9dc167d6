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
        var command = new Command(
            "example",
            $"""
            Create an example store of simulated runs (the prototype's grid: basic_cnn and vgg16 over optimizers
            and batch sizes) and print its leaderboard. Writes to --store, else $PODIUM_TRACKING_URI, else ./{DefaultFolder}.
            The runs are simulated, not trained, and are tagged simulated=true; `podium demo` trains real ones.

            Example:
              podium example && podium board --store {DefaultFolder} --format html --output board.html
            """)
        {
            seed,
        };
        command.SetAction(parsed =>
        {
            // Where every other command looks: --store, else $PODIUM_TRACKING_URI (a folder or a podium serve address), else ./podium-example.
            var location = PodiumCommand.StoreOf(parsed)
                ?? (Environment.GetEnvironmentVariable(TrackingStores.UriVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultFolder);
            var clock = new ManualClock(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
            using var tracker = Tracker.Open(location, new TrackerOptions { Clock = clock, CaptureSource = false });
            var existing = tracker.Store.CountRuns(RunQuery.All with { Experiment = ExampleRuns.Experiment });
            if (existing > 0)
            {
                // Running the example again shows it again; it does not pile up copies of the same runs.
                output.WriteLine($"{tracker.Store.Location} already holds the example's {existing} simulated runs");
            }
            else
            {
                var written = ExampleRuns.Write(tracker, clock, parsed.GetValue(seed));
                output.WriteLine($"wrote {written} simulated runs to {tracker.Store.Location}");
            }

            output.WriteLine();
            var table = tracker.Leaderboard(columns: LeaderboardColumn.CompactNames, experiment: ExampleRuns.Experiment);
            BoardCommand.WriteTable(output, table);
            output.WriteLine();
            output.WriteLine($"next: podium board --store {location} --format html --output leaderboard.html");
            return 0;
        });
        return command;
    }
}
