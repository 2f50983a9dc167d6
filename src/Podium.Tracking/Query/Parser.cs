using System.Globalization;

namespace Podium.Tracking.Query;

/// <summary>
/// Recursive descent over the grammar:
/// <code>
/// query   := [or] [ORDER BY term (, term)*] [LIMIT n] [OFFSET m]
/// or      := and (OR and)*          and := unary (AND unary)*
/// unary   := NOT unary | '(' or ')' | field op value | field [NOT] IN (value, …) | field IS [NOT] NULL
/// field   := prefix '.' key ['.' min|max|last]     prefix := metrics|params|tags|attributes|dataset|model
/// </code>
/// Types are checked here, so every error points at the token that caused it. So are the limits that keep any query
/// text, however hostile, from exhausting the stack or reaching the database's own limits (<see cref="QueryLimits"/>):
/// nesting is counted as it is parsed, and the work is linear in the query's length.
/// </summary>
internal sealed class Parser
{
    private static readonly string[] Comparisons = ["=", "!=", "<", "<=", ">", ">="];

    private readonly List<Token> _tokens;
    private readonly HashSet<(FieldKind, string)> _keys = [];
    private int _next;
    private int _depth;
    private int _conditions;

    public Parser(string text) => _tokens = text.Length <= QueryLimits.Characters ? Lexer.Tokenize(text)
        : throw new QueryException($"a query may be at most {QueryLimits.Characters:N0} characters, not {text.Length:N0}", 1, "");

    private Token Current => _tokens[_next];

    public RunQuery ParseQuery()
    {
        Expr? filter = null;
        if (!Current.IsKeyword("ORDER") && !Current.IsKeyword("LIMIT") && !Current.IsKeyword("OFFSET") && Current.Kind != TokenKind.End)
        {
            filter = ParseOr();
        }

        IReadOnlyList<OrderTerm> order = [];
        if (Current.IsKeyword("ORDER"))
        {
            _next++;
            Expect("BY", "ORDER must be followed by BY");
            order = ParseOrderTerms();
        }

        int? limit = Current.IsKeyword("LIMIT") ? WholeNumber(1, "LIMIT takes a whole number greater than 0") : null;
        var offset = Current.IsKeyword("OFFSET") ? WholeNumber(0, "OFFSET takes a whole number, 0 or more") : 0;
        ExpectEnd();
        return new RunQuery(filter, order, limit) { Offset = offset };
    }

    // The number after a LIMIT or OFFSET keyword (the current token), at least the given least.
    private int WholeNumber(int least, string problem)
    {
        _next++;
        var token = Current;
        if (token.Kind != TokenKind.Number || !int.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < least)
        {
            throw Error(token, problem);
        }

        _next++;
        return n;
    }

    public IReadOnlyList<OrderTerm> ParseOrderList()
    {
        var terms = ParseOrderTerms();
        ExpectEnd();
        return terms;
    }

    public Field ParseSingleField()
    {
        var field = ParseField();
        ExpectEnd();
        return field;
    }

    private List<OrderTerm> ParseOrderTerms()
    {
        var terms = new List<OrderTerm>();
        do
        {
            if (terms.Count > 0)
            {
                _next++;
            }

            var start = Current;
            var field = Keyed(ParseField(), start);
            var descending = false;
            if (Current.IsKeyword("DESC"))
            {
                descending = true;
                _next++;
            }
            else if (Current.IsKeyword("ASC"))
            {
                _next++;
            }

            terms.Add(new OrderTerm(field, descending));
        }
        while (Current.Kind == TokenKind.Comma);

        return terms;
    }

    private void ExpectEnd()
    {
        if (Current.Kind != TokenKind.End)
        {
            throw Error(Current, "unexpected text; expected AND, OR, ORDER BY, LIMIT, OFFSET or the end of the query");
        }
    }

    private void Expect(string keyword, string problem)
    {
        if (!Current.IsKeyword(keyword))
        {
            throw Error(Current, problem);
        }

        _next++;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsKeyword("OR"))
        {
            _next++;
            left = new OrExpr(left, ParseAnd());
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseUnary();
        while (Current.IsKeyword("AND"))
        {
            _next++;
            left = new AndExpr(left, ParseUnary());
        }

        return left;
    }

    private Expr ParseUnary()
    {
        if (Current.IsKeyword("NOT"))
        {
            Deeper();
            _next++;
            var negated = new NotExpr(ParseUnary());
            _depth--;
            return negated;
        }

        if (Current.Kind == TokenKind.LeftParen)
        {
            var open = Current;
            Deeper();
            _next++;
            var inner = ParseOr();
            if (Current.Kind != TokenKind.RightParen)
            {
                throw Error(Current.Kind == TokenKind.End ? open : Current, Current.Kind == TokenKind.End ? "this '(' is never closed" : "expected ')'");
            }

            _next++;
            _depth--;
            return inner;
        }

        return ParseCondition();
    }

    // One more level of parentheses or NOT, refused past the limit before the recursion goes deeper.
    private void Deeper()
    {
        if (++_depth > QueryLimits.Depth)
        {
            throw Error(Current, $"nesting deeper than {QueryLimits.Depth} levels of parentheses and NOT; write the query flatter");
        }
    }

    // Counts conditions (each IN value is one), refused past the limit.
    private void Conditions(int count, Token at)
    {
        _conditions += count;
        if (_conditions > QueryLimits.Conditions)
        {
            throw Error(at, $"more than {QueryLimits.Conditions:N0} conditions (each IN value counts as one); split the query");
        }
    }

    // Counts the distinct metric, param and tag keys, each of which the database joins once.
    private Field Keyed(Field field, Token at)
    {
        if (field.Kind is FieldKind.Metric or FieldKind.Param or FieldKind.Tag && _keys.Add((field.Kind, field.Key)) && _keys.Count > QueryLimits.Keys)
        {
            throw Error(at, $"more than {QueryLimits.Keys} distinct metric, param and tag keys in one query");
        }

        return field;
    }

    private Expr ParseCondition()
    {
        var start = Current;
        var field = Keyed(ParseField(), start);
        var op = Current;
        if (op.IsKeyword("IS"))
        {
            _next++;
            var negated = false;
            if (Current.IsKeyword("NOT"))
            {
                negated = true;
                _next++;
            }

            Conditions(1, op);
            Expect("NULL", "IS must be followed by NULL or NOT NULL");
            return new IsNullExpr(field, negated);
        }

        var notPrefix = false;
        if (op.IsKeyword("NOT"))
        {
            notPrefix = true;
            _next++;
            op = Current;
            if (!op.IsKeyword("IN") && !op.IsKeyword("LIKE") && !op.IsKeyword("ILIKE"))
            {
                throw Error(op, "NOT after a field must be followed by IN, LIKE or ILIKE");
            }
        }

        if (op.IsKeyword("IN"))
        {
            _next++;
            if (Current.Kind != TokenKind.LeftParen)
            {
                throw Error(Current, "IN must be followed by a list in parentheses, e.g. IN ('adam', 'sgd')");
            }

            _next++;
            var values = new List<Literal>();
            while (true)
            {
                Conditions(1, Current);
                values.Add(CheckValue(field, "IN", ParseLiteral()));
                if (Current.Kind == TokenKind.Comma)
                {
                    _next++;
                    continue;
                }

                if (Current.Kind != TokenKind.RightParen)
                {
                    throw Error(Current, "expected ',' or ')' in the IN list");
                }

                _next++;
                return new InExpr(field, notPrefix, values);
            }
        }

        string opText;
        if (op.IsKeyword("LIKE") || op.IsKeyword("ILIKE"))
        {
            opText = (notPrefix ? "NOT " : "") + op.Value.ToUpperInvariant();
            if (field.Type is FieldType.Number or FieldType.Time)
            {
                throw Error(op, $"{field.Text} is a {Describe(field.Type)}; {op.Value.ToUpperInvariant()} works on text");
            }
        }
        else if (op.Kind == TokenKind.Operator && Comparisons.Contains(op.Value))
        {
            opText = op.Value;
        }
        else
        {
            throw Error(op, $"expected a comparison after {field.Text}: = != < <= > >= LIKE ILIKE IN or IS NULL");
        }

        _next++;
        Conditions(1, Current);
        var literal = ParseLiteral();
        if (opText.EndsWith("LIKE", StringComparison.Ordinal) && literal.Value is not string)
        {
            throw Error(literal, $"{opText} takes a quoted pattern such as 'vgg%'");
        }

        if (opText.EndsWith("LIKE", StringComparison.Ordinal) && System.Text.Encoding.UTF8.GetByteCount((string)literal.Value) > QueryLimits.PatternBytes)
        {
            throw Error(literal, $"a {opText} pattern may be at most {QueryLimits.PatternBytes:N0} bytes");
        }

        return new ComparisonExpr(field, opText, CheckValue(field, opText, literal));
    }

    private Literal ParseLiteral()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.String:
                _next++;
                return new Literal(token.Value, token.Text, token.Column);
            case TokenKind.Number:
                if (!double.TryParse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    throw Error(token, "not a number");
                }

                _next++;
                return new Literal(number, token.Text, token.Column);
            case TokenKind.Identifier when token.IsKeyword("true") || token.IsKeyword("false"):
                _next++;
                return new Literal(token.IsKeyword("true"), token.Text, token.Column);
            case TokenKind.End:
                throw Error(token, "expected a value");
            default:
                throw Error(token, token.Kind == TokenKind.Identifier
                    ? $"expected a value; quote text, e.g. '{token.Text}'"
                    : "expected a value: a number, 'text', true or false");
        }
    }

    /// <summary>Checks the literal's type against the field's, and turns times into epoch milliseconds.</summary>
    private Literal CheckValue(Field field, string op, Literal literal)
    {
        switch (field.Type)
        {
            case FieldType.Number when literal.Value is not double:
                throw Error(literal, $"{field.Text} is a number; compare it with a number, not {literal.Text}");
            case FieldType.Text when literal.Value is not string:
                throw Error(literal, $"{field.Text} is text; quote the value, e.g. '{literal.Text}'");
            case FieldType.Time when literal.Value is string s:
                if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                {
                    throw Error(literal, $"{field.Text} is a time; give epoch milliseconds or an ISO date such as '2026-11-22T10:00:00Z'");
                }

                return literal with { Value = (double)time.ToUnixTimeMilliseconds() };
            case FieldType.Time when literal.Value is not double:
                throw Error(literal, $"{field.Text} is a time; give epoch milliseconds or an ISO date");
            case FieldType.Param when literal.Value is bool && op is not ("=" or "!=" or "IN"):
                throw Error(literal, $"true and false compare only with = and !=");
        }

        if (field is { Kind: FieldKind.Attribute, Key: "status" } && !op.Contains("LIKE", StringComparison.Ordinal))
        {
            // Any case, as MLflow spells them ('FINISHED'), compared as the stored spelling.
            return RunStatuses.TryParse((string)literal.Value, out var status) ? literal with { Value = status.ToText() }
                : throw Error(literal, $"unknown status {literal.Text}; a run is 'running', 'finished', 'failed' or 'killed'");
        }

        return literal;
    }

    private Field ParseField()
    {
        var headIndex = _next;
        var head = Current;
        if (head.Kind != TokenKind.Identifier)
        {
            throw Error(head, head.Kind == TokenKind.End
                ? "expected a field such as metrics.val_accuracy"
                : "expected a field such as metrics.val_accuracy, params.optimizer, tags.stage or attributes.status");
        }

        _next++;
        var kind = head.Value.ToLowerInvariant() switch
        {
            "metrics" or "metric" => FieldKind.Metric,
            "params" or "param" or "parameters" => FieldKind.Param,
            "tags" or "tag" => FieldKind.Tag,
            "attributes" or "attribute" or "attr" or "run" => FieldKind.Attribute,
            "dataset" or "datasets" => FieldKind.Dataset,
            "model" => FieldKind.Model,
            _ => throw Error(head, "unknown field; a field starts with metrics., params., tags., attributes., dataset. or model."),
        };

        var parts = new List<(string Text, bool Quoted)>();
        var end = head.Column + head.Text.Length;
        while (Current.Kind == TokenKind.Dot)
        {
            _next++;
            var part = Current;
            if (part.Kind is not (TokenKind.Identifier or TokenKind.QuotedIdentifier or TokenKind.String or TokenKind.Number))
            {
                throw Error(part, $"expected a name after '{head.Text}.'");
            }

            _next++;
            parts.Add((part.Value, part.Kind is TokenKind.QuotedIdentifier or TokenKind.String));
            end = part.Column + part.Text.Length;
        }

        var text = string.Concat(_tokens.Skip(headIndex).Take(_next - headIndex).Select(t => t.Text));
        if (parts.Count == 0)
        {
            throw Error(head, $"'{head.Text}' needs a name after it, e.g. {head.Text}.NAME");
        }

        switch (kind)
        {
            case FieldKind.Metric:
            {
                var aggregate = MetricAggregate.Last;
                if (parts.Count > 1 && !parts[^1].Quoted && TryAggregate(parts[^1].Text, out var found))
                {
                    aggregate = found;
                    parts.RemoveAt(parts.Count - 1);
                }

                return new Field(kind, string.Join('.', parts.Select(p => p.Text)), aggregate, text, head.Column);
            }

            case FieldKind.Param or FieldKind.Tag:
                return new Field(kind, string.Join('.', parts.Select(p => p.Text)), MetricAggregate.Last, text, head.Column);
            default:
            {
                var table = kind switch
                {
                    FieldKind.Attribute => Field.Attributes,
                    FieldKind.Dataset => Field.DatasetFields,
                    _ => Field.ModelFields,
                };
                var name = string.Join('.', parts.Select(p => p.Text));
                if (parts.Count != 1 || !table.TryGetValue(name, out var known))
                {
                    var choices = string.Join(", ", table.Values.Select(v => v.Name).Distinct());
                    throw new QueryException($"unknown field; {head.Value.ToLowerInvariant()} has {choices}", head.Column, text);
                }

                return new Field(kind, known.Name, MetricAggregate.Last, text, head.Column);
            }
        }
    }

    private static bool TryAggregate(string text, out MetricAggregate aggregate)
    {
        aggregate = text.ToLowerInvariant() switch
        {
            "min" => MetricAggregate.Min,
            "max" => MetricAggregate.Max,
            "last" => MetricAggregate.Last,
            _ => (MetricAggregate)(-1),
        };
        return (int)aggregate >= 0;
    }

    private static string Describe(FieldType type) => type switch
    {
        FieldType.Number => "number",
        FieldType.Time => "time",
        _ => "text",
    };

    private static QueryException Error(Token token, string problem) => new(problem, token.Column, token.Text);

    private static QueryException Error(Literal literal, string problem) => new(problem, literal.Column, literal.Text);
}
