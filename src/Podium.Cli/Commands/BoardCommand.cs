using System.CommandLine;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;

namespace Podium.Cli.Commands;

/// <summary>podium board: the ranked table of runs, in the terminal or as CSV, JSON, Markdown or HTML.</summary>
internal static class BoardCommand
{
    /// <summary>Rows a terminal table shows unless --limit says otherwise: a screenful or two, not a thousand lines.</summary>
    public const int TerminalRows = 50;

    public static Command Create(TextWriter output)
    {
        var filter = new Option<string?>("--filter", "-f")
        {
            Description = "Which runs, in the query language (may end with ORDER BY and LIMIT)",
        };
        var orderBy = new Option<string?>("--order-by", "-o")
        {
            Description = $"Sort terms, e.g. \"metrics.val_loss ASC, attributes.start_time DESC\" (default: {LeaderboardTable.DefaultOrder})",
        };
        var columns = new Option<string?>("--columns", "-c")
        {
            Description = "Comma-separated columns: built-ins (rank, run, data, model, val_accuracy, …) or fields (metrics.KEY, params.KEY, tags.KEY, …)",
        };
        var limit = new Option<int?>("--limit", "-n") { Description = $"At most this many rows (default: all in files, the top {TerminalRows} in the terminal)" };
        var experiment = new Option<string?>("--experiment", "-e") { Description = "Only runs of this experiment" };
        var format = new Option<string>("--format")
        {
            Description = "table, csv, json, md or html",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json", "md", "markdown", "html");
        var file = new Option<string?>("--output") { Description = "Write to this file instead of the terminal" };
        var bestOfSweep = new Option<bool>("--best-of-sweep") { Description = "One row per sweep (its best trial) beside the runs outside sweeps" };
        var allowMissing = PodiumCommand.AllowMissing();
        var wide = new Option<bool>("--wide", "-w") { Description = "Every column, however wide the table (in a terminal, columns that do not fit are left out by default)" };

        var command = new Command(
            "board",
            """
            Rank runs: a leaderboard with the default columns, or those you choose.

            Examples:
              podium board
              podium board --filter "metrics.val_accuracy > 0.8 AND params.optimizer = 'adam'" --limit 10
              podium board --order-by "metrics.val_loss.min ASC" --columns run,model,metrics.val_loss.min,params.batch_size
              podium board --format html --output leaderboard.html
              podium board --best-of-sweep
            """)
        {
            filter, orderBy, columns, limit, experiment, format, file, bestOfSweep, wide, allowMissing,
        };

        command.SetAction(parsed =>
        {
            var kind = parsed.GetValue(format) switch
            {
                "csv" => LeaderboardFormatKind.Csv,
                "json" => LeaderboardFormatKind.Json,
                "md" or "markdown" => LeaderboardFormatKind.Markdown,
                "html" => LeaderboardFormatKind.Html,
                _ => LeaderboardFormatKind.Table,
            };
            var chosen = parsed.GetValue(columns) is { } text
                ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : kind == LeaderboardFormatKind.Table && parsed.GetValue(file) is null ? LeaderboardColumn.CompactNames : null;
            var toTerminal = kind == LeaderboardFormatKind.Table && parsed.GetValue(file) is null;
            using var tracker = PodiumCommand.OpenTracker(parsed);
            var named = KeyCheck.Fields(RunQuery.Parse(parsed.GetValue(filter)))
                .Concat(parsed.GetValue(orderBy) is { Length: > 0 } order ? RunQuery.ParseOrderBy(order).Select(o => o.Field) : [])
                .Concat((chosen ?? []).Where(c => c.Contains('.', StringComparison.Ordinal)).Select(RunQuery.ParseField));
            PodiumCommand.CheckNames(tracker, parsed.GetValue(experiment), named, parsed.GetValue(allowMissing));
            var table = tracker.Leaderboard(parsed.GetValue(filter), parsed.GetValue(orderBy), chosen,
                parsed.GetValue(limit) ?? (toTerminal && !HasLimit(parsed.GetValue(filter)) ? TerminalRows : null), parsed.GetValue(experiment),
                parsed.GetValue(bestOfSweep) ? LeaderboardTable.BestOfSweep : null);

            if (parsed.GetValue(file) is { } path)
            {
                using var writer = new StreamWriter(path);
                WriteTo(writer, table, kind);
                output.WriteLine($"wrote {table.Rows.Count} runs to {path}");
            }
            else
            {
                WriteTo(output, table, kind, parsed.GetValue(wide));
            }

            return 0;
        });
        return command;
    }

    /// <summary>The leaderboard as a terminal table, with a footer giving the count and the query.</summary>
    public static void WriteTable(TextWriter writer, LeaderboardTable table, bool wide = false)
    {
        TerminalTable.Write(
            writer,
            table.Columns.Select(c => (c.Header, c.Kind != ColumnKind.Text)).ToList(),
            table.Rows.Select(row => (IReadOnlyList<string>)row.Select((v, i) => LeaderboardFormat.Display(v, table.Columns[i].Kind)).ToList()),
            wide,
            "--wide shows them");
        var more = table.Rows.Count < table.Matching ? " · --limit N shows more" : "";
        writer.WriteLine(TerminalTable.Fitted(writer, $"{table.Rows.Count} of {table.Matching} runs · {table.Query}{more}"));
    }

    private static bool HasLimit(string? filter) => filter is not null && RunQuery.Parse(filter).Limit is not null;

    private static void WriteTo(TextWriter writer, LeaderboardTable table, LeaderboardFormatKind kind, bool wide = false)
    {
        if (kind != LeaderboardFormatKind.Table)
        {
            table.Write(writer, kind);
            return;
        }

        if (table.Rows.Count == 0)
        {
            writer.WriteLine($"no runs match: {table.Query}");
            return;
        }

        WriteTable(writer, table, wide);
    }
}
