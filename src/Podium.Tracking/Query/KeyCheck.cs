namespace Podium.Tracking.Query;

/// <summary>
/// Catches a misspelled key before a query silently matches nothing: every metric, param and tag a query compares
/// or sorts by must be one that some run has, else one line names it with the closest key that exists.
/// </summary>
public static class KeyCheck
{
    /// <summary>The fields a query compares or sorts by (not those it only asks to be absent, IS NULL: that is how one asks for "not logged yet").</summary>
    public static IEnumerable<Field> Fields(RunQuery query)
    {
        var pending = new Stack<Expr>();
        if (query.Filter is { } filter)
        {
            pending.Push(filter);
        }

        while (pending.TryPop(out var expr))
        {
            switch (expr)
            {
                case AndExpr and:
                    pending.Push(and.Right);
                    pending.Push(and.Left);
                    break;
                case OrExpr or:
                    pending.Push(or.Right);
                    pending.Push(or.Left);
                    break;
                case NotExpr not:
                    pending.Push(not.Inner);
                    break;
                case ComparisonExpr comparison:
                    yield return comparison.Field;
                    break;
                case InExpr inList:
                    yield return inList.Field;
                    break;
                case IsNullExpr { Negated: true } isNotNull:
                    yield return isNotNull.Field;
                    break;
            }
        }

        foreach (var term in query.OrderBy)
        {
            yield return term.Field;
        }
    }

    /// <summary>Throws for the first metric, param or tag field whose key no run has.</summary>
    /// <param name="fields">The fields to check.</param>
    /// <param name="keys">The keys runs have (in the scope the query looks at).</param>
    /// <param name="scope">Where the runs are, for the message, e.g. " in experiment 'demo'".</param>
    /// <param name="hint">How to run the query anyway, added to the message when given.</param>
    /// <exception cref="QueryException">A key no run has; the message names the closest existing field.</exception>
    public static void Known(IEnumerable<Field> fields, RunKeys keys, string scope = "", string? hint = null)
    {
        foreach (var field in fields)
        {
            var (own, kind) = field.Kind switch
            {
                FieldKind.Metric => (keys.Metrics, "metrics."),
                FieldKind.Param => (keys.Params, "params."),
                FieldKind.Tag => (keys.Tags, "tags."),
                _ => (null, ""),
            };
            if (own is null || own.Contains(field.Key, StringComparer.Ordinal))
            {
                continue;
            }

            // The same key under another kind (metrics.optimizer for params.optimizer) first, then the closest spelling.
            var elsewhere = new[] { ("metrics.", keys.Metrics), ("params.", keys.Params), ("tags.", keys.Tags) }
                .FirstOrDefault(k => k.Item2.Contains(field.Key, StringComparer.Ordinal)).Item1;
            var closest = elsewhere is not null ? elsewhere + field.Key
                : Spelling.Closest(field.Key, own) is { } near ? kind + near : null;
            var problem = $"no run{scope} has {kind}{field.Key}" + (closest is null ? "" : $"; did you mean {closest}?") + (hint is null ? "" : $" ({hint})");
            throw new QueryException(problem, field.Column, field.Text);
        }
    }
}
