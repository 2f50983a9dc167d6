using System.Globalization;
using System.Text;

namespace Podium.Tracking.Query;

/// <summary>
/// Writes a parsed query back as text that parses to the same query: fields in canonical spelling,
/// every AND/OR group and NOT in parentheses, strings quoted with doubled quotes. A remote store
/// sends a query this way.
/// </summary>
internal static class QueryWriter
{
    public static string Format(RunQuery query)
    {
        var text = new StringBuilder();
        if (query.Filter is { } filter)
        {
            Write(text, filter, top: true);
        }

        if (query.OrderBy.Count > 0)
        {
            Separate(text).Append("ORDER BY ").AppendJoin(", ", query.OrderBy.Select(o => o.Field.Canonical + (o.Descending ? " DESC" : " ASC")));
        }

        if (query.Limit is { } limit)
        {
            Separate(text).Append("LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture));
        }

        if (query.Offset > 0)
        {
            Separate(text).Append("OFFSET ").Append(query.Offset.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static StringBuilder Separate(StringBuilder text) => text.Length > 0 ? text.Append(' ') : text;

    private static void Write(StringBuilder text, Expr expr, bool top = false)
    {
        switch (expr)
        {
            case AndExpr and:
                Group(text, and.Left, " AND ", and.Right, top);
                break;
            case OrExpr or:
                Group(text, or.Left, " OR ", or.Right, top);
                break;
            case NotExpr not:
                text.Append("NOT (");
                Write(text, not.Inner, top: true);
                text.Append(')');
                break;
            case ComparisonExpr comparison:
                text.Append(comparison.Field.Canonical).Append(' ').Append(comparison.Operator).Append(' ');
                Literal(text, comparison.Value);
                break;
            case InExpr @in:
                text.Append(@in.Field.Canonical).Append(@in.Negated ? " NOT IN (" : " IN (");
                for (var i = 0; i < @in.Values.Count; i++)
                {
                    Literal(text.Append(i > 0 ? ", " : ""), @in.Values[i]);
                }

                text.Append(')');
                break;
            case IsNullExpr isNull:
                text.Append(isNull.Field.Canonical).Append(isNull.Negated ? " IS NOT NULL" : " IS NULL");
                break;
            default:
                throw new ArgumentException($"cannot write a {expr.GetType().Name} as query text", nameof(expr));
        }
    }

    private static void Group(StringBuilder text, Expr left, string word, Expr right, bool top)
    {
        text.Append(top ? "" : "(");
        Write(text, left);
        text.Append(word);
        Write(text, right);
        text.Append(top ? "" : ")");
    }

    private static void Literal(StringBuilder text, Literal literal)
    {
        switch (literal.Value)
        {
            case string s:
                text.Append('\'').Append(s.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
                break;
            case double d:
                text.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            default:
                throw new ArgumentException($"a query value must be a number, text or true/false, not {literal.Value.GetType().Name}", nameof(literal));
        }
    }
}
