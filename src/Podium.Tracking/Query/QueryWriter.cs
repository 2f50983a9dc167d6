using System.Globalization;
using System.Text;

namespace Podium.Tracking.Query;

/// <summary>
/// Writes a parsed query back as text that parses to the same query: fields in canonical spelling,
/// chains of one operator flat and nested groups and NOT in parentheses, strings quoted with doubled quotes. A remote store
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
            Separate(text).Append("ORDER BY ").AppendJoin(", ", query.OrderBy);
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
            case AndExpr or OrExpr:
                Chain(text, expr, top);
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

    /// <summary>
    /// A chain of one operator, its left spine written flat without recursion: the parser reads "a AND b AND c" back
    /// as the same left-deep tree, and a query of thousands of terms neither recurses thousands deep here nor comes
    /// back as thousands of nested parentheses. Operands of another operator, or nested on the right, get parentheses.
    /// </summary>
    private static void Chain(StringBuilder text, Expr chain, bool top)
    {
        var word = chain is AndExpr ? " AND " : " OR ";
        var rights = new Stack<Expr>();
        var left = chain;
        while (left.GetType() == chain.GetType())
        {
            (left, var right) = left switch
            {
                AndExpr both => (both.Left, both.Right),
                OrExpr either => (either.Left, either.Right),
                _ => throw new InvalidOperationException("unreachable"),
            };
            rights.Push(right);
        }

        text.Append(top ? "" : "(");
        Write(text, left);
        while (rights.TryPop(out var right))
        {
            Write(text.Append(word), right);
        }

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
