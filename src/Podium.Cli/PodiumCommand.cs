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
        Description = "The store: a folder, a .db file or a podium serve address http://HOST:PORT (default: $PODIUM_TRACKING_URI, else ./.podium)",
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
        root.Subcommands.Add(DemoCommand.Create(output, error));
        root.Subcommands.Add(CompareCommand.Create(output));
        root.Subcommands.Add(ReproduceCommand.Create(output, error));
        root.Subcommands.Add(ServeCommand.Create(output));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var name = command == root ? "podium" : "podium " + command.Name;
            // The most specific error first: "unrecognized 'x'" says more than "required command was not provided".
            var first = parsed.Errors.OrderBy(e => e.Message.StartsWith("Required command", StringComparison.Ordinal)).First();
            var message = string.Join(' ', first.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            error.WriteLine($"podium: {message} (see '{name} --help')");
            return BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is SpecException or QueryException or CliError or ArgumentException)
        {
            error.WriteLine("podium: " + UserText.OneLine(e.Message, 2000));
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

    /// <summary>Opens the existing store the --store option (or the environment) names; reading never creates one.</summary>
    public static Tracker OpenTracker(ParseResult parsed) => Tracker.OpenExisting(StoreOf(parsed));
}
