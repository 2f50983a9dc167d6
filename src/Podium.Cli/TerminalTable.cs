using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Podium.Cli;

/// <summary>
/// Draws tables with Spectre.Console to a TextWriter. On a terminal a table fits its width: columns are kept in
/// priority order (the order given) while they fit, text cells are cut with an ellipsis, no cell or header wraps;
/// the caller says which columns were left out. Redirected output (a pipe, a file) is drawn complete.
/// </summary>
internal static class TerminalTable
{
    /// <summary>Text columns narrower than this are never cut further (headers are never cut at all).</summary>
    private const int NarrowestText = 10;

    /// <summary>The first text column (a run's name, say) keeps this many cells before others are added: it says which row is which.</summary>
    private const int NarrowestName = 28;

    /// <summary>
    /// Writes the table, fitted to the terminal unless <paramref name="wide"/>; when columns had to be left out, a line
    /// after the table names them and how to see them.
    /// </summary>
    /// <param name="output">Where the table goes.</param>
    /// <param name="columns">Headers, and whether each column holds numbers (right-aligned, never cut), in priority order.</param>
    /// <param name="rows">The cells, one list per row.</param>
    /// <param name="wide">Draw every column in full even on a terminal.</param>
    /// <param name="widen">How the user sees the left-out columns, for the line that names them.</param>
    public static void Write(TextWriter output, IReadOnlyList<(string Header, bool Numeric)> columns, IEnumerable<IReadOnlyList<string>> rows, bool wide = false, string widen = "a pipe shows them")
    {
        var width = wide ? null : Width(output);
        var left = Write(output, columns, rows, width);
        if (left.Count > 0)
        {
            // One line that fits too: as many of the left-out names as there is room for, then how to see them.
            var tail = $" · {widen}";
            var names = $"left out: {string.Join(", ", left)}";
            output.WriteLine(Cut(names, Math.Max(20, width!.Value - Length(tail))) + tail);
        }
    }

    /// <summary>
    /// Writes a line of text; on a terminal, a line longer than the width is broken after a space or a comma (or, with
    /// neither, where it must), its further lines indented by <paramref name="indent"/> spaces, so no word is split by
    /// the terminal's own wrapping.
    /// </summary>
    public static void WriteWrapped(TextWriter output, string line, int indent = 2)
    {
        if (Width(output) is not { } width || line.Length <= width)
        {
            output.WriteLine(line);
            return;
        }

        var rest = line;
        var pad = "";
        while (pad.Length + rest.Length > width)
        {
            var room = width - pad.Length;
            var cut = rest.LastIndexOfAny([' ', ','], room - 1);
            cut = cut <= 0 ? room : cut + 1;
            output.WriteLine(pad + rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
            pad = new string(' ', Math.Min(indent, width / 2));
        }

        output.WriteLine(pad + rest);
    }

    /// <summary>A line for under a table: cut to the terminal's width when <paramref name="output"/> is a terminal.</summary>
    public static string Fitted(TextWriter output, string line) => Width(output) is { } width ? Cut(line, width) : line;

    /// <summary>Writes the table; returns the headers of the columns left out to fit <paramref name="width"/> (none when it is null).</summary>
    public static IReadOnlyList<string> Write(TextWriter output, IReadOnlyList<(string Header, bool Numeric)> columns, IEnumerable<IReadOnlyList<string>> rows, int? width)
    {
        var cells = rows.ToList();
        var (kept, widths) = width is { } available ? Fit(columns, cells, available) : (Enumerable.Range(0, columns.Count).ToArray(), null);
        var table = new Table().Border(TableBorder.Rounded);
        for (var k = 0; k < kept.Length; k++)
        {
            var (header, numeric) = columns[kept[k]];
            var column = new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))).NoWrap();
            if (widths is not null)
            {
                column.Width(widths[k]);
            }

            if (numeric)
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        foreach (var row in cells)
        {
            // Text, never markup: a run name like "[red]" must show as written.
            table.AddRow(kept.Select((c, k) => (IRenderable)new Text(widths is null ? row[c] : Cut(row[c], widths[k]))).ToArray());
        }

        var console = Console(output);
        if (width is { } fit)
        {
            console.Profile.Width = fit;
        }

        console.Write(table);
        return Enumerable.Range(0, columns.Count).Except(kept).Select(c => columns[c].Header).ToList();
    }

    /// <summary>
    /// Which columns fit in <paramref name="width"/> terminal cells, in priority order, and how wide each is drawn:
    /// every kept column gets at least its header's width (text columns also at least <see cref="NarrowestText"/>, the first one <see cref="NarrowestName"/>
    /// cells, numbers their widest value), then the room left widens kept columns towards their widest cell, in order.
    /// </summary>
    public static (int[] Kept, int[] Widths) Fit(IReadOnlyList<(string Header, bool Numeric)> columns, IReadOnlyList<IReadOnlyList<string>> rows, int width)
    {
        var natural = columns.Select((c, i) => Math.Max(Length(c.Header), rows.Select(r => Length(r[i])).DefaultIfEmpty(0).Max())).ToArray();
        var name = columns.Select((c, i) => (c, i)).FirstOrDefault(x => !x.c.Numeric).i;
        var least = columns.Select((c, i) => c.Numeric ? natural[i] : Math.Min(natural[i], Math.Max(Length(c.Header), i == name ? NarrowestName : NarrowestText))).ToArray();
        // A rounded table of n columns takes its cells' widths plus 3n + 1: a border each side, and a space either side of each cell.
        var kept = new List<int>();
        var used = 1;
        for (var i = 0; i < columns.Count; i++)
        {
            if (used + least[i] + 3 <= width || kept.Count == 0)
            {
                kept.Add(i);
                used += least[i] + 3;
            }
        }

        var widths = kept.Select(i => least[i]).ToArray();
        var room = width - used;
        for (var k = 0; k < kept.Count && room > 0; k++)
        {
            var grow = Math.Min(room, natural[kept[k]] - widths[k]);
            widths[k] += grow;
            room -= grow;
        }

        return (kept.ToArray(), widths);
    }

    /// <summary>The terminal's width in cells when <paramref name="output"/> is the console on a terminal; else null.</summary>
    public static int? Width(TextWriter output)
    {
        if (!IsTerminal(output))
        {
            return null;
        }

        try
        {
            return System.Console.WindowWidth is > 0 and var width ? width : null;
        }
        catch (IOException)
        {
            return null;
        }
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

    /// <summary>Text cut to <paramref name="width"/> terminal cells, ending in an ellipsis when cut.</summary>
    public static string Cut(string text, int width)
    {
        if (Length(text) <= width)
        {
            return text;
        }

        var cut = new StringBuilder();
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var cells = Cells(rune);
            if (used + cells > width - 1)
            {
                break;
            }

            cut.Append(rune.ToString());
            used += cells;
        }

        return cut.Append('…').ToString();
    }

    /// <summary>Terminal cells a text takes: two for East Asian wide characters and most emoji, one otherwise.</summary>
    public static int Length(string text)
    {
        var cells = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            cells += Cells(rune);
        }

        return cells;
    }

    private static int Cells(Rune rune) => rune.Value switch
    {
        >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1F64F
            or >= 0x1F900 and <= 0x1F9FF or >= 0x20000 and <= 0x3FFFD => 2,
        _ => 1,
    };
}
