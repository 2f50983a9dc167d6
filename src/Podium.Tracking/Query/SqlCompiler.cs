using System.Globalization;
using System.Text;

namespace Podium.Tracking.Query;

/// <summary>
/// Compiles a <see cref="RunQuery"/> into SQL that selects run keys in order. Every key and value
/// the user wrote becomes a parameter; only column names from fixed tables are written into the text.
/// </summary>
/// <remarks>
/// Tables it expects: runs r, experiments e, metric_summaries (run_pk, key_id, last, last_sort, min, max),
/// metric_keys (id, key), params (run_pk, key, kind, text, num), tags (run_pk, key, value),
/// datasets d, run_datasets rd, models (run_pk, name, total_params, trainable_params, weight_bytes).
/// </remarks>
internal sealed class SqlCompiler
{
    private readonly SqlDialect _dialect;
    private readonly StringBuilder _joins = new();
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);

    private SqlCompiler(SqlDialect dialect) => _dialect = dialect;

    public List<KeyValuePair<string, object>> Parameters { get; } = [];

    /// <summary>SQL selecting <c>r.pk</c> of matching runs, ordered, limited.</summary>
    public static (string Sql, List<KeyValuePair<string, object>> Parameters) CompileSelect(RunQuery query, SqlDialect dialect)
    {
        var compiler = new SqlCompiler(dialect);
        var where = compiler.Where(query);
        var order = compiler.OrderBy(query.OrderBy);
        var sql = new StringBuilder("SELECT r.pk FROM runs r JOIN experiments e ON e.id = r.experiment_id");
        sql.Append(compiler._joins).Append(where).Append(" ORDER BY ").Append(order);
        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT ").Append(compiler.Add((long)limit));
        }

        if (query.Offset > 0)
        {
            sql.Append(query.Limit is null ? " " + dialect.NoLimit : "").Append(" OFFSET ").Append(compiler.Add((long)query.Offset));
        }

        return (sql.ToString(), compiler.Parameters);
    }

    /// <summary>SQL counting matching runs.</summary>
    public static (string Sql, List<KeyValuePair<string, object>> Parameters) CompileCount(RunQuery query, SqlDialect dialect)
    {
        var compiler = new SqlCompiler(dialect);
        var where = compiler.Where(query);
        var sql = "SELECT count(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id" + compiler._joins + where;
        return (sql, compiler.Parameters);
    }

    private string Where(RunQuery query)
    {
        var terms = new List<string> { query.Trash ? "r.trashed_at IS NOT NULL" : "r.trashed_at IS NULL" };
        if (query.Filter is not null)
        {
            terms.Add(Compile(query.Filter));
        }

        if (query.Experiment is not null)
        {
            terms.Add("e.name = " + Add(query.Experiment));
        }

        return " WHERE " + string.Join(" AND ", terms);
    }

    private string Add(object value)
    {
        var name = "@p" + Parameters.Count.ToString(CultureInfo.InvariantCulture);
        Parameters.Add(new(name, value));
        return name;
    }

    private string Compile(Expr expr) => expr switch
    {
        AndExpr => Balanced(Chain(expr), " AND "),
        OrExpr => Balanced(Chain(expr), " OR "),
        // A missing value makes a comparison unknown; NOT of unknown must still exclude the run,
        // so NOT is applied to "comparison is true", never to the raw comparison.
        NotExpr not => $"(NOT coalesce({Compile(not.Inner)}, FALSE))",
        ComparisonExpr c => Comparison(c.Field, c.Operator, c.Value),
        InExpr inExpr => In(inExpr),
        IsNullExpr isNull => IsNull(isNull),
        _ => throw new InvalidOperationException("unknown expression " + expr.GetType().Name),
    };

    /// <summary>
    /// The operands of a chain of ANDs (or of ORs) in their order, found without recursion: the parser builds
    /// left-deep trees, so a query of thousands of terms would otherwise recurse thousands deep.
    /// </summary>
    private static List<Expr> Chain(Expr chain)
    {
        var operands = new List<Expr>();
        var pending = new Stack<Expr>([chain]);
        while (pending.TryPop(out var expr))
        {
            switch (expr)
            {
                case AndExpr both when chain is AndExpr:
                    pending.Push(both.Right);
                    pending.Push(both.Left);
                    break;
                case OrExpr either when chain is OrExpr:
                    pending.Push(either.Right);
                    pending.Push(either.Left);
                    break;
                default:
                    operands.Add(expr);
                    break;
            }
        }

        return operands;
    }

    /// <summary>
    /// Operands joined by AND or OR as a balanced tree of parentheses: SQLite parses a flat chain of n terms n deep
    /// and refuses past 1,000, while a balanced tree is log2(n) deep. AND and OR are associative in SQL's
    /// three-valued logic, so the grouping does not change the answer.
    /// </summary>
    private string Balanced(IReadOnlyList<Expr> operands, string op) => Balanced(operands.Select(Compile).ToList(), 0, operands.Count, op);

    private static string Balanced(List<string> terms, int start, int count, string op) => count == 1 ? terms[start]
        : $"({Balanced(terms, start, count / 2, op)}{op}{Balanced(terms, start + (count / 2), count - (count / 2), op)})";

    private string In(InExpr expr)
    {
        var any = Balanced(expr.Values.Select(v => Comparison(expr.Field, "=", v)).ToList(), 0, expr.Values.Count, " OR ");
        return expr.Negated ? $"(NOT coalesce({any}, TRUE))" : any;
    }

    private string Comparison(Field field, string op, Literal literal)
    {
        if (field.Kind == FieldKind.Dataset)
        {
            // "dataset.name != 'x'" means no dataset of the run is x, not "some dataset is not x".
            var negative = op is "!=" or "NOT LIKE" or "NOT ILIKE";
            var positive = negative ? op == "!=" ? "=" : op[4..] : op;
            var condition = ColumnComparison(DatasetColumn(field.Key), positive, literal);
            var exists = $"EXISTS (SELECT 1 FROM run_datasets rd JOIN datasets d ON d.id = rd.dataset_id WHERE rd.run_pk = r.pk AND {condition})";
            return negative ? "(NOT " + exists + ")" : exists;
        }

        if (field.Kind == FieldKind.Param)
        {
            var alias = Join(field);
            return literal.Value switch
            {
                double => ColumnComparison(alias + ".num", op, literal),
                bool b => $"({alias}.kind = {(int)ParamKind.Bool} AND {alias}.text {(op == "=" ? "=" : "!=")} {Add(b ? "true" : "false")})",
                _ => ColumnComparison(alias + ".text", op, literal),
            };
        }

        return ColumnComparison(ValueColumn(field), op, literal);
    }

    private string ColumnComparison(string column, string op, Literal literal)
    {
        var value = literal.Value switch
        {
            double d => Add(d),
            string s => Add(s),
            bool b => Add(b ? "true" : "false"),
            _ => throw new InvalidOperationException(),
        };
        return op switch
        {
            "LIKE" => _dialect.Like(column, value, negated: false),
            "NOT LIKE" => _dialect.Like(column, value, negated: true),
            "ILIKE" => _dialect.ILike(column, value, negated: false),
            "NOT ILIKE" => _dialect.ILike(column, value, negated: true),
            _ => $"{column} {op} {value}",
        };
    }

    private string IsNull(IsNullExpr expr)
    {
        var field = expr.Field;
        string missing;
        if (field.Kind == FieldKind.Dataset)
        {
            missing = $"NOT EXISTS (SELECT 1 FROM run_datasets rd JOIN datasets d ON d.id = rd.dataset_id WHERE rd.run_pk = r.pk AND {DatasetColumn(field.Key)} IS NOT NULL)";
        }
        else if (field.Kind is FieldKind.Metric or FieldKind.Param or FieldKind.Tag or FieldKind.Model)
        {
            // The row is missing, not the value: a metric whose last value is NaN is still logged.
            missing = Join(field) + ".run_pk IS NULL";
        }
        else
        {
            missing = ValueColumn(field) + " IS NULL";
        }

        return expr.Negated ? $"(NOT ({missing}))" : missing;
    }

    private string OrderBy(IReadOnlyList<OrderTerm> terms)
    {
        var parts = new List<string>();
        foreach (var term in terms)
        {
            var direction = term.Descending ? "DESC" : "ASC";
            foreach (var expression in SortExpressions(term.Field))
            {
                parts.Add($"{expression} {direction} NULLS LAST");
            }
        }

        parts.Add("r.start_time DESC");
        parts.Add("r.pk DESC");
        return string.Join(", ", parts);
    }

    private IEnumerable<string> SortExpressions(Field field)
    {
        switch (field.Kind)
        {
            case FieldKind.Metric:
                // NaN is stored as NULL; ±Infinity must sort last too, so only finite values sort.
                var alias = Join(field);
                yield return field.Aggregate == MetricAggregate.Last
                    ? alias + ".last_sort"
                    : $"(CASE WHEN {alias}.{Aggregate(field)} BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308 THEN {alias}.{Aggregate(field)} END)";
                break;
            case FieldKind.Param:
                // Numbers in numeric order, then text in text order.
                var param = Join(field);
                yield return param + ".num";
                yield return param + ".text";
                break;
            case FieldKind.Dataset:
                yield return $"(SELECT min({DatasetColumn(field.Key)}) FROM run_datasets rd JOIN datasets d ON d.id = rd.dataset_id WHERE rd.run_pk = r.pk)";
                break;
            default:
                yield return ValueColumn(field);
                break;
        }
    }

    private static string Aggregate(Field field) => field.Aggregate switch
    {
        MetricAggregate.Min => "min",
        MetricAggregate.Max => "max",
        _ => "last",
    };

    /// <summary>The column a field's value is in, joining its table when needed.</summary>
    private string ValueColumn(Field field) => field.Kind switch
    {
        FieldKind.Metric => Join(field) + "." + Aggregate(field),
        FieldKind.Tag => Join(field) + ".value",
        FieldKind.Model => Join(field) + "." + field.Key switch
        {
            "name" => "name",
            "params" => "total_params",
            "trainable_params" => "trainable_params",
            _ => "weight_bytes",
        },
        FieldKind.Attribute => field.Key switch
        {
            "run_id" => "r.id",
            "run_name" => "r.name",
            "status" => "r.status",
            "experiment" => "e.name",
            "start_time" => "r.start_time",
            "end_time" => "r.end_time",
            "duration" => "((r.end_time - r.start_time) / 1000.0)",
            "seed" => "r.seed",
            "parent_run_id" => "r.parent_run_id",
            _ => throw new InvalidOperationException("unknown attribute " + field.Key),
        },
        _ => throw new InvalidOperationException("no single column for " + field.Kind),
    };

    private static string DatasetColumn(string key) => key switch
    {
        "name" => "d.name",
        "fingerprint" => "d.fingerprint",
        "role" => "rd.role",
        "classes" => "d.num_classes",
        "source" => "d.source",
        _ => throw new InvalidOperationException("unknown dataset field " + key),
    };

    /// <summary>Joins the table holding a metric, param, tag or the model once per distinct key, and returns its alias.</summary>
    private string Join(Field field)
    {
        var id = field.Kind + "\0" + field.Key;
        if (_aliases.TryGetValue(id, out var alias))
        {
            return alias;
        }

        alias = field.Kind switch
        {
            FieldKind.Metric => "m",
            FieldKind.Param => "p",
            FieldKind.Tag => "t",
            _ => "mo",
        } + _aliases.Count.ToString(CultureInfo.InvariantCulture);
        _aliases[id] = alias;
        _joins.Append(field.Kind switch
        {
            FieldKind.Metric => $" LEFT JOIN metric_summaries {alias} ON {alias}.run_pk = r.pk AND {alias}.key_id = (SELECT id FROM metric_keys WHERE key = {Add(field.Key)})",
            FieldKind.Param => $" LEFT JOIN params {alias} ON {alias}.run_pk = r.pk AND {alias}.key = {Add(field.Key)}",
            FieldKind.Tag => $" LEFT JOIN tags {alias} ON {alias}.run_pk = r.pk AND {alias}.key = {Add(field.Key)}",
            _ => $" LEFT JOIN models {alias} ON {alias}.run_pk = r.pk",
        });
        return alias;
    }
}
