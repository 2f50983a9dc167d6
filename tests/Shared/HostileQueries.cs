using System.Globalization;
using System.Text;

namespace Podium.Tests;

/// <summary>
/// Query texts a hostile or careless client might send, generated from a seed: random queries from the grammar,
/// mutations of them, SQL injections, unicode (lone surrogates, NUL, emoji), and the large ones that once crashed or
/// stalled the server (deep nesting, long NOT chains, huge IN lists, long strings, many terms and keys). Shared by
/// the server's and the CLI's suites.
/// </summary>
public static class HostileQueries
{
    private static readonly string[] Fields =
    [
        "metrics.val_accuracy", "metrics.loss", "metrics.val_loss.min", "metrics.loss.max", "metrics.`a.b`", "metrics.`weird name`",
        "params.optimizer", "params.learning_rate", "params.batch_size", "params.`x y`", "tags.stage", "tags.`podium.sweep`",
        "tags.note", "attributes.status", "attributes.run_name", "attributes.start_time", "attributes.duration",
        "attributes.run_id", "attributes.parent_run_id", "dataset.name", "dataset.classes", "dataset.fingerprint",
        "model.params", "model.name", "foo.bar", "metrics", "attributes.nope", "params.", "dataset.x.y",
    ];

    private static readonly string[] Comparisons = ["=", "!=", "<>", "<", "<=", ">", ">=", "==", "=<", "LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE", "~"];

    private static readonly string[] Injections =
    [
        "'; DROP TABLE runs; --", "' OR '1'='1", "\" OR 1=1 --", ") OR (1=1", "1; DELETE FROM tags", "'||(SELECT sqlite_version())||'",
        "' UNION SELECT * FROM params --", "`; ATTACH DATABASE '/tmp/x' AS x; --", "%' ESCAPE '\\", "\\'", "''''", "/*", "*/ OR 1=1",
        "0x7FFFFFFF", "1e309", "-1e309", "NaN", "Infinity", "9223372036854775808", "\0", "\u0000'", "$(rm -rf /)", "{{7*7}}",
    ];

    private static readonly string[] Alphabet =
        ["'", "\"", "`", "(", ")", " ", ",", ".", "=", "<", ">", "!", "%", "_", "\\", "\0", "\n", "\t", "é", "😀", "\uD800", "\uDC00", "\uFFFF", "ß", "İ", "a", "1", "-", "e"];

    /// <summary>
    /// <paramref name="count"/> queries: the fixed large and tricky ones first, then random ones from <paramref name="seed"/>.
    /// Each comes with a short label saying what it is, for failure messages.
    /// </summary>
    public static IEnumerable<(string Label, string Query)> Generate(int count, int seed)
    {
        var produced = 0;
        foreach (var fixedOne in Large())
        {
            if (produced++ == count)
            {
                yield break;
            }

            yield return fixedOne;
        }

        var random = new Random(seed);
        while (produced++ < count)
        {
            var roll = random.Next(100);
            yield return roll switch
            {
                < 40 => ("grammar", Query(random)),
                < 70 => ("mutation", Mutate(random, Query(random))),
                < 80 => ("injection", Inject(random)),
                < 92 => ("unicode", Unicode(random)),
                _ => ("nesting", Nested(random)),
            };
        }
    }

    /// <summary>The sizes that overflowed the stack, went past SQLite's limits or ran for minutes before.</summary>
    private static IEnumerable<(string, string)> Large()
    {
        foreach (var depth in new[] { 255, 256, 257, 1_000, 11_300, 100_000 })
        {
            yield return ($"{depth} nested parentheses", new string('(', depth) + "metrics.loss < 1" + new string(')', depth));
        }

        foreach (var nots in new[] { 255, 256, 30_000, 100_000 })
        {
            yield return ($"{nots} chained NOT", string.Concat(Enumerable.Repeat("NOT ", nots)) + "metrics.loss < 1");
        }

        foreach (var values in new[] { 999, 1_000, 1_001, 5_000, 100_000 })
        {
            yield return ($"IN list of {values}", "params.optimizer IN (" + string.Join(", ", Enumerable.Range(0, values).Select(i => $"'v{i}'")) + ")");
        }

        foreach (var terms in new[] { 1_000, 10_000, 10_001, 40_000 })
        {
            yield return ($"{terms} AND terms", string.Join(" AND ", Enumerable.Range(0, terms).Select(i => $"metrics.loss < {i + 1}")));
            yield return ($"{terms} OR terms", string.Join(" OR ", Enumerable.Range(0, terms).Select(i => $"params.batch_size = {i}")));
        }

        foreach (var keys in new[] { 60, 61, 65, 200 })
        {
            yield return ($"{keys} distinct keys", string.Join(" AND ", Enumerable.Range(0, keys).Select(i => $"metrics.m{i} IS NULL")));
        }

        foreach (var length in new[] { 50_000, 50_001, 1_000_000 })
        {
            yield return ($"LIKE pattern of {length} bytes", "attributes.run_name LIKE '" + new string('%', length) + "'");
        }

        yield return ("a 1,000,001-character query", "tags.note = '" + new string('x', 999_985) + "'");
        yield return ("a 2 MB string", "tags.note = '" + new string('é', 1_000_000) + "'");
        yield return ("ORDER BY 10,000 terms", "metrics.loss < 1 ORDER BY " + string.Join(", ", Enumerable.Repeat("metrics.loss DESC", 10_000)));
        yield return ("LIMIT past a long", "metrics.loss < 1 LIMIT 99999999999999999999");
        yield return ("negative LIMIT", "metrics.loss < 1 LIMIT -1");
        yield return ("only ORDER BY", "ORDER BY");
        yield return ("empty", "");
        yield return ("blank", "   \t\n ");
        yield return ("status in MLflow's spelling", "attributes.status = 'FINISHED'");
        yield return ("unicode case folding", "attributes.run_name ILIKE 'école%'");
    }

    private static string Query(Random random)
    {
        var text = Condition(random, random.Next(4));
        if (random.Next(5) == 0)
        {
            text += " ORDER BY " + string.Join(", ", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, Fields) + (random.Next(2) == 0 ? " ASC" : " DESC")));
        }

        if (random.Next(6) == 0)
        {
            text += " LIMIT " + random.Next(-3, 5000).ToString(CultureInfo.InvariantCulture);
        }

        return text;
    }

    private static string Condition(Random random, int depth)
    {
        if (depth > 0 && random.Next(3) > 0)
        {
            return random.Next(6) switch
            {
                0 => "NOT " + Condition(random, depth - 1),
                1 => "(" + Condition(random, depth - 1) + ")",
                < 4 => Condition(random, depth - 1) + " AND " + Condition(random, depth - 1),
                _ => Condition(random, depth - 1) + " OR " + Condition(random, depth - 1),
            };
        }

        var field = Pick(random, Fields);
        return random.Next(10) switch
        {
            0 => field + (random.Next(2) == 0 ? " IS NULL" : " IS NOT NULL"),
            1 => field + (random.Next(2) == 0 ? " IN (" : " NOT IN (") + string.Join(", ", Enumerable.Range(0, random.Next(0, 6)).Select(_ => Value(random))) + ")",
            _ => field + " " + Pick(random, Comparisons) + " " + Value(random),
        };
    }

    private static string Value(Random random) => random.Next(9) switch
    {
        0 => random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
        1 => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
        2 => "'" + Text(random, random.Next(0, 12)).Replace("'", "''", StringComparison.Ordinal) + "'",
        3 => "'" + Pick(random, ["adam", "sgd", "FINISHED", "finished", "running", "%a%", "_", "École", "2026-01-01", "true"]) + "'",
        4 => Pick(random, ["true", "false", "null", "NULL", "1e308", "-0", ".5", "5.", "1e", "--1"]),
        5 => "\"" + Text(random, random.Next(0, 8)) + "\"",
        6 => "`" + Text(random, random.Next(0, 8)) + "`",
        7 => "'" + Pick(random, Injections).Replace("'", "''", StringComparison.Ordinal) + "'",
        _ => Pick(random, Injections),
    };

    private static string Mutate(Random random, string query)
    {
        var text = new StringBuilder(query);
        for (var edits = random.Next(1, 5); edits > 0; edits--)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(5))
            {
                case 0 when text.Length > 0:
                    text.Remove(at, Math.Min(random.Next(1, 6), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Pick(random, Alphabet));
                    break;
                case 2 when text.Length > 0:
                    text.Insert(at, text.ToString(at, Math.Min(random.Next(1, 20), text.Length - at)));
                    break;
                case 3:
                    text.Length = at;
                    break;
                default:
                    text.Insert(at, " " + Pick(random, ["AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ORDER BY", "LIMIT", "(", ")", ","]) + " ");
                    break;
            }
        }

        return text.ToString();
    }

    private static string Inject(Random random) => random.Next(3) switch
    {
        0 => Pick(random, Fields) + " = '" + Pick(random, Injections) + "'",
        1 => Pick(random, Fields) + " = " + Pick(random, Injections),
        _ => Pick(random, Injections) + " " + Query(random),
    };

    private static string Unicode(Random random) => random.Next(3) switch
    {
        0 => "tags.`" + Text(random, random.Next(1, 10)) + "` = '" + Text(random, random.Next(0, 30)).Replace("'", "''", StringComparison.Ordinal) + "'",
        1 => Pick(random, Fields) + " LIKE '" + Text(random, random.Next(0, 30)).Replace("'", "''", StringComparison.Ordinal) + "'",
        _ => Text(random, random.Next(1, 40)),
    };

    private static string Nested(Random random)
    {
        var depth = random.Next(1, 300);
        var inner = Condition(random, 2);
        return random.Next(3) switch
        {
            0 => new string('(', depth) + inner + new string(')', depth),
            1 => new string('(', depth) + inner + new string(')', random.Next(0, depth + 2)),
            _ => string.Concat(Enumerable.Repeat("NOT (", depth)) + inner + new string(')', depth),
        };
    }

    /// <summary>Random text: letters, quotes, wildcards, NUL, lone surrogates, emoji and right-to-left marks.</summary>
    private static string Text(Random random, int length)
    {
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(6) switch
            {
                0 => Pick(random, Alphabet),
                1 => char.ConvertFromUtf32(random.Next(0x20, 0x2FF)),
                2 => Pick(random, ["\u202E", "\u0301", "\uFEFF", "Ω", "한", "ﬁ", "\u00A0", "\u2028"]),
                _ => ((char)random.Next('a', 'z' + 1)).ToString(),
            });
        }

        return text.ToString();
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];
}
