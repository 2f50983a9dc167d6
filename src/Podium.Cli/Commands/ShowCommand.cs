using System.CommandLine;
using System.Globalization;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Cli.Commands;

/// <summary>podium show RUN: everything recorded about one run.</summary>
internal static class ShowCommand
{
    public static Command Create(TextWriter output)
    {
        var runArgument = new Argument<string>("run") { Description = "The run's id, a unique prefix of it, or its name" };
        var command = new Command(
            "show",
            """
            Show one run: attributes, source, environment, params, metrics, tags, data, network and artifacts.

            Example:
              podium show 3fa2c1
              podium show basic_cnn-adam-b32-e5-early
            """)
        {
            runArgument,
        };
        command.SetAction(parsed =>
        {
            using var tracker = PodiumCommand.OpenTracker(parsed);
            var id = parsed.GetValue(runArgument)!;
            var run = PodiumCommand.FindRun(tracker, id);
            Write(output, run, tracker.Store.ListArtifacts(run.Info.Id));
            return 0;
        });
        return command;
    }

    private static void Write(TextWriter output, RunRecord run, IReadOnlyList<ArtifactInfo> artifacts)
    {
        var info = run.Info;
        TerminalTable.WriteWrapped(output, $"run {info.Name} ({info.Id})");
        Line(output, "experiment", info.Experiment);
        Line(output, "status", info.Status.ToText() + (info.TrashedTime is { } trashed ? $" (in the trash since {Time(trashed)}; podium restore {info.Id[..8]} brings it back)" : ""));
        if (run.Tags.TryGetValue(RunTags.Note, out var note))
        {
            Line(output, "note", note);
        }

        Line(output, "started", Time(info.StartTime));
        Line(output, "ended", info.EndTime is { } end ? Time(end) : "");
        Line(output, "duration", info.Duration is { } d ? LeaderboardFormat.Duration(d.TotalSeconds) : "");
        Line(output, "seed", info.Seed?.ToString(CultureInfo.InvariantCulture) ?? "");
        Line(output, "parent run", info.ParentRunId ?? "");
        Line(output, "git commit", info.Source.GitCommit is { } commit ? commit + (info.Source.GitDirty == true ? " (dirty)" : "") : "");
        Line(output, "command", info.Source.CommandLine);
        Line(output, "machine", $"{info.Environment.Host}: {info.Environment.Os}; {info.Environment.Cpu}");
        Line(output, "runtime", $"{info.Environment.Runtime}; Podium {info.Environment.PodiumVersion}");

        if (run.Params.Count > 0)
        {
            output.WriteLine();
            TerminalTable.Write(output, [("param", false), ("value", false), ("type", false)],
                run.Params.Select(p => (IReadOnlyList<string>)[p.Key, p.Value.Text, ParamValue.KindName(p.Value.Kind)]));
        }

        if (run.Metrics.Count > 0)
        {
            output.WriteLine();
            TerminalTable.Write(
                output,
                [("metric", false), ("last", true), ("step", true), ("min", true), ("at step", true), ("max", true), ("at step", true), ("points", true)],
                run.Metrics.Values.Select(m => (IReadOnlyList<string>)
                [
                    m.Key, LeaderboardFormat.Number(m.Last), Int(m.LastStep), LeaderboardFormat.Number(m.Min), Int(m.MinStep),
                    LeaderboardFormat.Number(m.Max), Int(m.MaxStep), Int(m.Count),
                ]));
        }

        if (run.Tags.Count > 0)
        {
            output.WriteLine();
            TerminalTable.Write(output, [("tag", false), ("value", false)], run.Tags.Select(t => (IReadOnlyList<string>)[t.Key, t.Value]));
        }

        foreach (var use in run.Datasets)
        {
            var data = use.Dataset;
            output.WriteLine();
            TerminalTable.WriteWrapped(output, $"data ({use.Role}): {data.Name}");
            Line(output, "fingerprint", data.Fingerprint);
            Line(output, "source", data.Source);
            Line(output, "classes", $"{data.ClassNames.Count}: {string.Join(", ", data.ClassNames)}");
            foreach (var (split, shape) in data.Splits)
            {
                Line(output, split, $"x {SplitShape.Format(shape.X)}, y {SplitShape.Format(shape.Y)}");
            }

            Line(output, "augmentations", use.Augmentations ?? "none");
        }

        if (run.Model is { } model)
        {
            output.WriteLine();
            TerminalTable.WriteWrapped(output, $"network: {model.Name}");
            Line(output, "parameters", $"{model.TotalParameters:N0} ({model.TrainableParameters:N0} trainable)");
            Line(output, "weights", $"{model.WeightBytes:N0} bytes");
        }

        if (artifacts.Count > 0)
        {
            output.WriteLine();
            TerminalTable.Write(output, [("artifact", false), ("bytes", true), ("sha256", false)],
                artifacts.Select(a => (IReadOnlyList<string>)[a.Path, Int(a.Size), a.Sha256]));
        }
    }

    // A long value (a machine, a path, augmentation settings) goes on under itself, so the labels stay a column.
    private static void Line(TextWriter output, string label, string value) => TerminalTable.WriteWrapped(output, $"  {label,-14} {value}", indent: 17);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
