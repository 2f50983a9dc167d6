using Spectre.Console;
using Spectre.Console.Rendering;

namespace Podium.Cli;

/// <summary>Draws tables with Spectre.Console to a TextWriter, wide enough not to truncate when output is redirected.</summary>
internal static class TerminalTable
{
    public static void Write(TextWriter output, IReadOnlyList<(string Header, bool Numeric)> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var (header, numeric) in columns)
        {
            var column = new TableColumn(new Text(header, new Style(decoration: Decoration.Bold)));
            if (numeric)
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        foreach (var row in rows)
        {
            // Text, never markup: a run name like "[red]" must show as written.
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
        }

        Console(output).Write(table);
    }

    /// <summary>Whether a writer is the console's output and that goes to a terminal (not a pipe or a file).</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;

    public static IAnsiConsole Console(TextWriter output)
    {
        var redirected = !IsTerminal(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (redirected)
        {
            console.Profile.Width = 4000;
        }

        return console;
    }
}
