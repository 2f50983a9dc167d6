using System.CommandLine;
using System.Diagnostics;
using Podium.Experiments;
using Podium.Experiments.Specs;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Cli.Commands;

/// <summary>podium demo: trains and ranks the prototype-like grid on built-in data, then writes the leaderboard as CSV and HTML.</summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var data = new Option<string>("--data") { Description = "shapes (built in) or fashion-mnist (apt-get install dataset-fashion-mnist)", DefaultValueFactory = _ => "shapes" };
        data.AcceptOnlyFromAmong("shapes", "fashion-mnist");
        var workers = new Option<int>("--workers", "-w") { Description = "Runs training at once, each in its own process", DefaultValueFactory = _ => 2 };
        var folder = new Option<string>("--output") { Description = "Where the leaderboard's CSV and HTML go", DefaultValueFactory = _ => "podium-demo" };
        var command = new Command(
            "demo",
            """
            Train and rank twelve real models — basic_cnn and a narrow VGG16, over two batch sizes and three optimizers,
            as the prototype did — on Podium's built-in shapes with the prototype's augmentations (a few minutes on two
            cores). Then print the leaderboard and write it as CSV and HTML. Runs go to the store (--store, default
            ./.podium); running the demo again reuses the finished runs. The spec is examples/specs/demo.yaml.

            Examples:
              podium demo
              podium demo --data fashion-mnist        # 6,000 training and 1,000 test images; basic_cnn and ResNet-18
              podium board --experiment demo --format html --output board.html
            """)
        {
            data, workers, folder,
        };
        command.SetAction(parsed =>
        {
            var sweep = SweepSpec.Parse(DemoSpec(parsed.GetValue(data) == "fashion-mnist" ? "demo-fashion-mnist.yaml" : "demo.yaml"));
            var clock = Stopwatch.StartNew();
            using var board = Leaderboard.Open(PodiumCommand.StoreOf(parsed));
            using var interrupts = new Interrupts(error);
            var code = SweepCommand.Execute(board, sweep, parsed.GetValue(workers), PodiumCommand.StoreOf(parsed), output, interrupts.Token);
            if (code == RunCommand.Interrupted)
            {
                return code;
            }

            var table = board.Table(new RunQuery(RunQuery.And(Field.Tag(RunTags.SweepKey).Is(sweep.Key), Field.Attribute("status").Is(RunStatus.Finished)), [], null));
            var target = parsed.GetValue(folder)!;
            Directory.CreateDirectory(target);
            File.WriteAllText(Path.Combine(target, "leaderboard.csv"), table.ToCsv());
            File.WriteAllText(Path.Combine(target, "leaderboard.html"), table.ToHtml($"Podium demo: {sweep.Data.DisplayName}"));
            TerminalTable.WriteWrapped(output, $"wrote {table.Rows.Count} runs to {Path.Combine(target, "leaderboard.csv")} and {Path.Combine(target, "leaderboard.html")} in {clock.Elapsed.TotalSeconds:F0} s");
            if (table.Runs.Count > 0)
            {
                TerminalTable.WriteWrapped(output, $"next: podium show {table.Runs[0].Info.Id[..8]} · podium reproduce {table.Runs[0].Info.Id[..8]} · podium compare {string.Join(' ', table.Runs.Take(2).Select(r => r.Info.Id[..8]))} · podium serve (the web UI)");
            }

            return code;
        });
        return command;
    }

    /// <summary>examples/specs/demo.yaml or demo-fashion-mnist.yaml, built into the program.</summary>
    private static string DemoSpec(string name)
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"{name} is not built in");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
