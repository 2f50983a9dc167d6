using System.CommandLine;
using System.Globalization;
using Podium.Tracking;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Cli.Commands;

/// <summary>
/// Looking after runs once they are recorded: rename, note, tag, untag, move, delete (to the trash), restore and gc.
/// Each goes through the store's interface, so it works the same on a SQLite store and on a podium serve address.
/// </summary>
internal static class ManageCommands
{
    public static IEnumerable<Command> Create(TextWriter output) =>
        [Rename(output), Note(output), Tag(output), Untag(output), Move(output), Delete(output), Restore(output), Gc(output)];

    private static Argument<string> RunArgument() => new("run") { Description = "The run's id, a unique prefix of it, or its name" };

    private static Argument<string[]> RunsArgument(string description) => new("runs") { Description = description, Arity = ArgumentArity.OneOrMore };

    private static Command Rename(TextWriter output)
    {
        var run = RunArgument();
        var name = new Argument<string>("name") { Description = "The new name" };
        var command = new Command("rename", "Give a run a new name.\n\nExample:\n  podium rename 3fa2c1 baseline") { run, name };
        command.SetAction(parsed =>
        {
            var text = parsed.GetValue(name)!.Trim();
            if (text.Length == 0)
            {
                throw new CliError("a run's name cannot be empty");
            }

            using var tracker = PodiumCommand.OpenTracker(parsed);
            var found = PodiumCommand.FindRun(tracker, parsed.GetValue(run)!);
            tracker.Store.UpdateRun(found.Info.Id, new RunUpdate(Name: text));
            TerminalTable.WriteWrapped(output, $"renamed run {found.Info.Id[..8]}: {found.Info.Name} → {text}");
            return 0;
        });
        return command;
    }

    private static Command Note(TextWriter output)
    {
        var run = RunArgument();
        var text = new Argument<string?>("text") { Description = "The description; \"\" removes it; none prints it", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command(
            "note",
            """
            Describe a run in your own words (podium show prints it), or print its description.

            Examples:
              podium note 3fa2c1 "first run with the cleaned labels"
              podium note 3fa2c1
            """)
        {
            run, text,
        };
        command.SetAction(parsed =>
        {
            using var tracker = PodiumCommand.OpenTracker(parsed);
            var found = PodiumCommand.FindRun(tracker, parsed.GetValue(run)!);
            switch (parsed.GetValue(text))
            {
                case null:
                    output.WriteLine(found.Tags.TryGetValue(RunTags.Note, out var note) ? note : $"run {found.Info.Id[..8]} has no note");
                    break;
                case { Length: 0 }:
                    tracker.Store.DeleteTag(found.Info.Id, RunTags.Note);
                    TerminalTable.WriteWrapped(output, $"removed the note of run {found.Info.Id[..8]}");
                    break;
                case { } description:
                    Log(tracker, found, [new(RunTags.Note, description)]);
                    TerminalTable.WriteWrapped(output, $"noted run {found.Info.Id[..8]} ({found.Info.Name})");
                    break;
            }

            return 0;
        });
        return command;
    }

    private static Command Tag(TextWriter output)
    {
        var run = RunArgument();
        var tags = new Argument<string[]>("tags") { Description = "KEY=VALUE pairs", Arity = ArgumentArity.OneOrMore };
        var command = new Command("tag", "Set tags on a run.\n\nExample:\n  podium tag 3fa2c1 stage=production owner=ana") { run, tags };
        command.SetAction(parsed =>
        {
            var pairs = parsed.GetValue(tags)!.Select(Pair).ToList();
            using var tracker = PodiumCommand.OpenTracker(parsed);
            var found = PodiumCommand.FindRun(tracker, parsed.GetValue(run)!);
            Log(tracker, found, pairs);
            TerminalTable.WriteWrapped(output, $"tagged run {found.Info.Id[..8]}: {string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))}");
            return 0;
        });
        return command;
    }

    private static Command Untag(TextWriter output)
    {
        var run = RunArgument();
        var keys = new Argument<string[]>("keys") { Description = "Tag keys to remove", Arity = ArgumentArity.OneOrMore };
        var command = new Command("untag", "Remove tags from a run.\n\nExample:\n  podium untag 3fa2c1 stage") { run, keys };
        command.SetAction(parsed =>
        {
            using var tracker = PodiumCommand.OpenTracker(parsed);
            var found = PodiumCommand.FindRun(tracker, parsed.GetValue(run)!);
            var asked = parsed.GetValue(keys)!;
            foreach (var key in asked)
            {
                Reserved(key);
                if (!found.Tags.ContainsKey(key))
                {
                    var own = found.Tags.Keys.Where(k => !k.StartsWith(RunTags.Prefix, StringComparison.Ordinal)).ToList();
                    var near = Spelling.Closest(key, own) is { } closest ? $"; did you mean '{closest}'?" : "";
                    throw new CliError($"run {found.Info.Id[..8]} has no tag '{key}'{near} (its tags: {(own.Count == 0 ? "none" : string.Join(", ", own))})");
                }
            }

            foreach (var key in asked)
            {
                tracker.Store.DeleteTag(found.Info.Id, key);
            }

            TerminalTable.WriteWrapped(output, $"removed from run {found.Info.Id[..8]}: {string.Join(", ", asked)}");
            return 0;
        });
        return command;
    }

    private static Command Move(TextWriter output)
    {
        var runs = RunsArgument("The runs (ids, prefixes or names)");
        var experiment = new Option<string>("--experiment", "-e") { Description = "The experiment to move them to (created when new)", Required = true };
        var command = new Command("move", "Move runs to another experiment.\n\nExample:\n  podium move 3fa2c1 9be41d --experiment baselines") { runs, experiment };
        command.SetAction(parsed =>
        {
            var target = parsed.GetValue(experiment)!.Trim();
            if (target.Length == 0)
            {
                throw new CliError("an experiment's name cannot be empty");
            }

            using var tracker = PodiumCommand.OpenTracker(parsed);
            var found = Find(tracker, parsed.GetValue(runs)!, trash: false);
            foreach (var run in found)
            {
                tracker.Store.UpdateRun(run.Info.Id, new RunUpdate(Experiment: target));
            }

            TerminalTable.WriteWrapped(output, $"moved {Runs(found)} to experiment {target}");
            return 0;
        });
        return command;
    }

    private static Command Delete(TextWriter output)
    {
        var runs = RunsArgument("The runs (ids, prefixes or names)");
        var command = new Command(
            "delete",
            """
            Move runs to the trash: left out of boards and searches, kept until podium gc.

            Example:
              podium delete 3fa2c1 9be41d
            """)
        {
            runs,
        };
        command.SetAction(parsed =>
        {
            using var tracker = PodiumCommand.OpenTracker(parsed);
            var found = Find(tracker, parsed.GetValue(runs)!, trash: false);
            foreach (var run in found)
            {
                tracker.Store.SetDeleted(run.Info.Id, deleted: true);
            }

            TerminalTable.WriteWrapped(output, $"moved {Runs(found)} to the trash; podium restore brings them back, podium gc deletes them for good");
            return 0;
        });
        return command;
    }

    private static Command Restore(TextWriter output)
    {
        var runs = new Argument<string[]>("runs") { Description = "Runs in the trash (ids, prefixes or names); none restores them all", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("restore", "Bring runs back from the trash.\n\nExamples:\n  podium restore 3fa2c1\n  podium restore") { runs };
        command.SetAction(parsed =>
        {
            using var tracker = PodiumCommand.OpenTracker(parsed);
            var found = Trashed(tracker, parsed.GetValue(runs)!);
            foreach (var run in found)
            {
                tracker.Store.SetDeleted(run.Info.Id, deleted: false);
            }

            output.WriteLine(found.Count == 0 ? "the trash is empty" : $"restored {Runs(found)}");
            return 0;
        });
        return command;
    }

    private static Command Gc(TextWriter output)
    {
        var runs = new Argument<string[]>("runs") { Description = "Runs in the trash (ids, prefixes or names); none purges the whole trash", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command(
            "gc",
            """
            Delete runs in the trash for good, with their metrics and artifact files. This cannot be undone.

            Examples:
              podium gc
              podium gc 3fa2c1
            """)
        {
            runs,
        };
        command.SetAction(parsed =>
        {
            using var tracker = PodiumCommand.OpenTracker(parsed);
            var found = Trashed(tracker, parsed.GetValue(runs)!);
            long bytes = 0;
            foreach (var run in found)
            {
                bytes += tracker.Store.ListArtifacts(run.Info.Id).Sum(a => a.Size);
                tracker.Store.PurgeRun(run.Info.Id);
            }

            output.WriteLine(found.Count == 0 ? "the trash is empty" : $"deleted {Runs(found)} for good, with {Size(bytes)} of artifacts");
            return 0;
        });
        return command;
    }

    /// <summary>Every run asked for, each found before any is changed: one unknown run changes nothing.</summary>
    private static List<RunRecord> Find(Tracker tracker, IEnumerable<string> texts, bool trash) =>
        texts.Select(t => PodiumCommand.FindRun(tracker, t, trash)).DistinctBy(r => r.Info.Id).ToList();

    /// <summary>The runs asked for in the trash, or the whole trash when none is named.</summary>
    private static List<RunRecord> Trashed(Tracker tracker, string[] texts) => texts.Length > 0
        ? Find(tracker, texts, trash: true)
        : tracker.Store.SearchRuns(RunQuery.All with { Trash = true, Only = RunProjection.None }).ToList();

    private static void Log(Tracker tracker, RunRecord run, IEnumerable<KeyValuePair<string, string>> tags)
    {
        var batch = new RunBatch();
        batch.Tags.AddRange(tags);
        tracker.Store.LogBatch(run.Info.Id, batch);
    }

    private static KeyValuePair<string, string> Pair(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new CliError($"'{text}' is not a tag; write KEY=VALUE, e.g. stage=production");
        }

        var key = text[..equals].Trim();
        Reserved(key);
        return new(key, text[(equals + 1)..]);
    }

    private static void Reserved(string key)
    {
        if (key.StartsWith(RunTags.Prefix, StringComparison.Ordinal))
        {
            throw new CliError($"tags starting with '{RunTags.Prefix}' are Podium's own; choose another key ('{key[RunTags.Prefix.Length..]}', say){(key == RunTags.Note ? "; podium note sets a run's description" : "")}");
        }
    }

    private static string Runs(IReadOnlyList<RunRecord> runs) => runs.Count == 1
        ? $"run {runs[0].Info.Id[..8]} ({runs[0].Info.Name})"
        : $"{runs.Count} runs ({string.Join(", ", runs.Take(5).Select(r => r.Info.Id[..8]))}{(runs.Count > 5 ? ", …" : "")})";

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
    };
}
