using System.CommandLine;
using Podium.Experiments.Sweeps;
using Podium.Tracking;
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
        var status = new Option<string?>("--status", "-s")
        {
            Description = "Rank runs in this status: finished (the default), killed, failed, running, or all",
        };
        var reproductions = new Option<bool>("--reproductions") { Description = "Rank runs made by podium reproduce too (left out by default: they repeat the run they reproduce)" };
        var sweep = new Option<string?>("--sweep") { Description = "Rank one sweep's trials by its metric and goal, with the params it varied (a sweep's name or run id)" };
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
              podium board --sweep fmnist-random
              podium board --status all

            By default the board ranks finished runs; a sweep's own run is never ranked, and reproductions only with
            --reproductions. A filter that names attributes.status decides the status itself.
            """)
        {
            filter, orderBy, columns, limit, experiment, format, file, bestOfSweep, status, reproductions, sweep, wide, allowMissing,
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
            var toTerminal = kind == LeaderboardFormatKind.Table && parsed.GetValue(file) is null;
            var userColumns = parsed.GetValue(columns)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var query = RunQuery.Parse(parsed.GetValue(filter));
            var filterFields = KeyCheck.Fields(query).ToList();
            using var tracker = PodiumCommand.OpenTracker(parsed);

            // What is ranked: finished runs unless --status (or a filter on the status) says otherwise; reproductions
            // only when asked for; a sweep's own run never; with --sweep, that sweep's trials by its own metric.
            var defaults = LeaderboardTable.RankedDefaults(query);
            var only = parsed.GetValue(status) is { } asked ? Status(asked) : defaults.Status;
            var withReproductions = parsed.GetValue(reproductions) || defaults.Reproductions;
            var swept = parsed.GetValue(sweep) is { } name ? SweepBoard.Find(tracker, name) : null;
            var scope = swept is not null
                ? RunQuery.And(Field.Attribute("parent_run_id").Is(swept.Parent.Info.Id), LeaderboardTable.Ranked(only, withReproductions))
                : RunQuery.And(parsed.GetValue(bestOfSweep) ? LeaderboardTable.BestOfSweep : null, LeaderboardTable.Ranked(only, withReproductions));
            var chosen = userColumns
                ?? (swept is null ? null : toTerminal ? swept.Columns : [.. swept.Columns, .. LeaderboardColumn.DefaultNames.Except(swept.Columns)])
                ?? (toTerminal ? Marked(LeaderboardColumn.CompactNames, only) : null);
            var order = parsed.GetValue(orderBy) is { Length: > 0 } given ? given : swept?.Query().OrderBy[0].ToString();

            var named = filterFields
                .Concat(parsed.GetValue(orderBy) is { Length: > 0 } o ? RunQuery.ParseOrderBy(o).Select(t => t.Field) : [])
                .Concat((userColumns ?? []).Where(c => c.Contains('.', StringComparison.Ordinal)).Select(RunQuery.ParseField));
            PodiumCommand.CheckNames(tracker, parsed.GetValue(experiment), named, parsed.GetValue(allowMissing));
            var table = tracker.Leaderboard(parsed.GetValue(filter), order, chosen,
                parsed.GetValue(limit) ?? (toTerminal && !HasLimit(parsed.GetValue(filter)) ? TerminalRows : null), parsed.GetValue(experiment),
                scope);
            if (swept is not null && toTerminal)
            {
                output.WriteLine(TerminalTable.Fitted(output, $"sweep {swept.Parent.Info.Name} ({swept.Parent.Info.Id[..8]}): {swept.Ranking}"));
            }

            if (parsed.GetValue(file) is { } path)
            {
                using var writer = new StreamWriter(path);
                WriteTo(writer, table, kind);
                TerminalTable.WriteWrapped(output, $"wrote {table.Rows.Count} runs to {path}");
            }
            else
            {
                // The footer says what was ranked: "12 of 12 finished runs", "3 of 20 runs" (--status all).
                var runs = (only is { } one ? one.ToText() + " " : "") + (swept is not null ? "trials" : "runs");
                WriteTo(output, table, kind, parsed.GetValue(wide), runs);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The leaderboard as a terminal table, with a footer giving the count and the query.</summary>
    /// <remarks>Without <paramref name="footer"/>, the count and query line is left out (a table of one run just trained).</remarks>
    public static void WriteTable(TextWriter writer, LeaderboardTable table, bool wide = false, string runs = "runs", bool footer = true)
    {
        TerminalTable.Write(
            writer,
            table.Columns.Select((c, i) => (c.Header, table.IsNumeric(i))).ToList(),
            table.Rows.Select(row => (IReadOnlyList<string>)row.Select((v, i) => LeaderboardFormat.Display(v, table.Columns[i].Kind)).ToList()),
            wide,
            "--wide shows them");
        if (!footer)
        {
            return;
        }

        var more = table.Rows.Count < table.Matching ? " · --limit N shows more" : "";
        writer.WriteLine(TerminalTable.Fitted(writer, $"{table.Rows.Count} of {table.Matching} {runs} · {table.Asked}{more}"));
    }

    /// <summary>The --status value: a status in any case, or all (null).</summary>
    private static RunStatus? Status(string text) =>
        string.Equals(text, "all", StringComparison.OrdinalIgnoreCase) ? null
        : RunStatuses.TryParse(text, out var status) ? status
        : throw new CliError($"--status '{text}' is not a status; use finished, killed, failed, running or all");

    /// <summary>When runs other than finished ones are shown, their status comes right after the run's name, so a narrow terminal keeps it.</summary>
    private static IReadOnlyList<string> Marked(IReadOnlyList<string> names, RunStatus? only) =>
        only == RunStatus.Finished ? names
        : [.. names.TakeWhile(n => n != "run"), "run", "status", .. names.SkipWhile(n => n != "run").Skip(1).Where(n => n != "status")];

    private static bool HasLimit(string? filter) => filter is not null && RunQuery.Parse(filter).Limit is not null;

    private static void WriteTo(TextWriter writer, LeaderboardTable table, LeaderboardFormatKind kind, bool wide = false, string runs = "runs")
    {
        if (kind != LeaderboardFormatKind.Table)
        {
            table.Write(writer, kind);
            return;
        }

        if (table.Rows.Count == 0)
        {
            TerminalTable.WriteWrapped(writer, $"no {runs} match: {table.Asked}");
            return;
        }

        WriteTable(writer, table, wide, runs);
    }
}
