using System.CommandLine;
using Podium.Cli.Commands;
using Podium.Experiments;
using Podium.Tracking;
using Podium.Tracking.Query;

namespace Podium.Cli;

/// <summary>The root of the podium command: parses, dispatches, and turns every error into one line and an exit code.</summary>
internal static class PodiumCommand
{
    /// <summary>Exit code for bad input (flags, queries, unknown runs).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for a store that cannot be used.</summary>
    public const int StoreFailure = 1;

    /// <summary>Exit code for anything else that went wrong (e.g. a run that failed while training).</summary>
    public const int Failed = 1;

    /// <summary>
    /// --store, for every command. A new option per parse: an option added to many commands keeps them all as its
    /// parents, so one shared instance would grow, and slow down, with every call in a long-lived process.
    /// </summary>
    private static Option<string?> StoreOption() => new("--store")
    {
        Description = "The store: a folder, a .db file, a PostgreSQL database postgresql://USER@HOST:PORT/DB or a podium serve address http://HOST:PORT (default: $PODIUM_TRACKING_URI, else ./.podium)",
        Recursive = true,
    };

    /// <summary>The --store given, if any.</summary>
    public static string? StoreOf(ParseResult parsed) => parsed.GetValue<string?>("--store");

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            """
            Podium: experiment tracking and a model leaderboard for .NET.

            Examples:
              podium demo                           train and rank twelve models on built-in shapes
              podium run examples/specs/basic_cnn.yaml
              podium sweep examples/specs/halving.yaml --workers 2
              podium reproduce 3fa2c1
              podium board --filter "metrics.val_accuracy > 0.8" --format md
              podium runs --limit 5
              podium show 3fa2c1
            """);
        root.Options.Add(StoreOption());
        root.Subcommands.Add(BoardCommand.Create(output));
        root.Subcommands.Add(RunsCommand.Create(output));
        root.Subcommands.Add(ShowCommand.Create(output));
        root.Subcommands.Add(ExperimentsCommand.Create(output));
        root.Subcommands.Add(ExampleCommand.Create(output));
        root.Subcommands.Add(RunCommand.Create(output, error));
        root.Subcommands.Add(SweepCommand.Create(output, error));
        root.Subcommands.Add(WorkerCommand.Create(output, error));
        root.Subcommands.Add(DemoCommand.Create(output, error));
        root.Subcommands.Add(CompareCommand.Create(output));
        root.Subcommands.Add(ReproduceCommand.Create(output, error));
        root.Subcommands.Add(ServeCommand.Create(output));
        foreach (var manage in ManageCommands.Create(output))
        {
            root.Subcommands.Add(manage);
        }


        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var name = command == root ? "podium" : "podium " + command.Name;
            // The most specific error first: "unrecognized 'x'" says more than "required command was not provided".
            var first = parsed.Errors.OrderBy(e => e.Message.StartsWith("Required command", StringComparison.Ordinal)).First();
            var message = string.Join(' ', first.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var suggestion = Suggestion(parsed, command);
            error.WriteLine($"podium: {(suggestion.Length > 0 ? message.TrimEnd('.') : message)}{suggestion} (see '{name} --help')");
            return BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is SpecException or QueryException or CliError or ArgumentException)
        {
            error.WriteLine("podium: " + UserText.OneLine(Plain(e), 2000));
            return BadInput;
        }
        catch (Exception e) when (e is StoreException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("podium: " + UserText.OneLine(e.Message, 2000));
            return StoreFailure;
        }
        catch (Exception e)
        {
            // Anything else (a run whose training failed, say) is still one line; the run itself is marked failed
            // with the error as a tag.
            var inner = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e;
            error.WriteLine("podium: " + UserText.OneLine(inner.Message, 2000));
            return Failed;
        }
    }

    /// <summary>An argument error's message without .NET's " (Parameter 'x')" and "Actual value was" additions.</summary>
    private static string Plain(Exception e)
    {
        if (e is not ArgumentException { ParamName: { } parameter } argument)
        {
            return e.Message;
        }

        var message = argument.Message.Split('\n')[0];
        var suffix = $" (Parameter '{parameter}')";
        message = message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
        return e is ArgumentOutOfRangeException { ActualValue: { } actual } ? $"{message}, got {actual}" : message;
    }

    /// <summary>For an unknown command or option close to a real one (a typo), "; did you mean 'board'?".</summary>
    private static string Suggestion(ParseResult parsed, Command command)
    {
        var names = command.Subcommands.Select(c => c.Name).Concat(command.Options.SelectMany(o => o.Aliases.Append(o.Name))).ToList();
        return parsed.UnmatchedTokens.Select(token => Spelling.Closest(token, names)).FirstOrDefault(n => n is not null) is { } closest
            ? $"; did you mean '{closest}'?"
            : "";
    }

    /// <summary>--allow-missing, for the commands that check a query's keys.</summary>
    public static Option<bool> AllowMissing() =>
        new("--allow-missing") { Description = "Accept metrics, params and tags that no run has yet (by default such a name is taken for a typo)" };

    /// <summary>
    /// Refuses, with one line and a suggestion, an experiment the store does not have and (unless <paramref name="allowMissing"/>)
    /// a metric, param or tag that no run in scope has: a typo there would otherwise match nothing, silently.
    /// </summary>
    public static void CheckNames(Tracker tracker, string? experiment, IEnumerable<Field> fields, bool allowMissing)
    {
        if (experiment is not null)
        {
            var names = tracker.Store.ListExperiments().Select(e => e.Name).ToList();
            if (!names.Contains(experiment, StringComparer.Ordinal))
            {
                var near = Spelling.Closest(experiment, names) is { } closest ? $"; did you mean '{closest}'?" : "";
                throw new CliError($"no experiment '{experiment}'{near} (the store has: {(names.Count == 0 ? "none" : string.Join(", ", names))})");
            }
        }

        // The store's keys are read only when the query names some (board with its default columns names none).
        var named = fields.ToList();
        if (!allowMissing && named.Count > 0)
        {
            KeyCheck.Known(named, tracker.Store.ListKeys(experiment), experiment is null ? "" : $" in experiment '{experiment}'", "--allow-missing runs it anyway");
        }
    }

    /// <summary>
    /// A run by id, unique id prefix or name (the one run of that name); in the trash when <paramref name="trash"/>.
    /// None, or several of one name, is one line that says what to give instead.
    /// </summary>
    public static RunRecord FindRun(Tracker tracker, string text, bool trash = false)
    {
        if (tracker.Store.GetRun(text) is { } run && (run.Info.TrashedTime is not null) == trash)
        {
            return run;
        }

        var named = tracker.Store.SearchRuns(new RunQuery(Field.Attribute("run_name").Is(text), [Field.Attribute("start_time").Descending()], 11) { Trash = trash });
        var where = trash ? "in the trash" : $"in {tracker.Store.Location}";
        return named.Count switch
        {
            1 => named[0],
            0 => throw new CliError($"no run with id, prefix or name '{text}' {where}{(trash ? "" : "; podium runs lists them")}"),
            _ => throw new CliError($"{(named.Count > 10 ? "more than 10" : named.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} runs are named '{text}'; give one's id: {string.Join(", ", named.Take(10).Select(r => r.Info.Id[..8]))}"),
        };
    }

    /// <summary>Opens the existing store the --store option (or the environment) names; reading never creates one.</summary>
    public static Tracker OpenTracker(ParseResult parsed) => Tracker.OpenExisting(StoreOf(parsed));
}
