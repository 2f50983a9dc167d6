namespace Podium.Tracking.Query;

/// <summary>A node of a parsed filter.</summary>
public abstract record Expr;

/// <summary>Both sides hold.</summary>
public sealed record AndExpr(Expr Left, Expr Right) : Expr;

/// <summary>Either side holds.</summary>
public sealed record OrExpr(Expr Left, Expr Right) : Expr;

/// <summary>The inner filter does not hold.</summary>
public sealed record NotExpr(Expr Inner) : Expr;

/// <summary>field OP value, with OP one of = != &lt; &lt;= &gt; &gt;= LIKE ILIKE NOT LIKE NOT ILIKE.</summary>
public sealed record ComparisonExpr(Field Field, string Operator, Literal Value) : Expr;

/// <summary>field [NOT] IN (value, …).</summary>
public sealed record InExpr(Field Field, bool Negated, IReadOnlyList<Literal> Values) : Expr;

/// <summary>field IS [NOT] NULL: whether the run has the field at all.</summary>
public sealed record IsNullExpr(Field Field, bool Negated) : Expr;

/// <summary>A literal value: a number (double), a string, or a bool.</summary>
/// <param name="Value">double, string or bool.</param>
/// <param name="Text">As written.</param>
/// <param name="Column">1-based column.</param>
public sealed record Literal(object Value, string Text, int Column);

/// <summary>One ORDER BY term.</summary>
/// <param name="Field">What to sort by.</param>
/// <param name="Descending">Largest first.</param>
public sealed record OrderTerm(Field Field, bool Descending)
{
    /// <summary>The term as query text, e.g. <c>metrics.val_accuracy DESC</c>.</summary>
    public override string ToString() => Field.Canonical + (Descending ? " DESC" : " ASC");
}
