namespace Podium.Tracking.Query;

/// <summary>What part of a run a field names.</summary>
public enum FieldKind
{
    /// <summary>metrics.KEY, with an optional .min, .max or .last.</summary>
    Metric,

    /// <summary>params.KEY.</summary>
    Param,

    /// <summary>tags.KEY.</summary>
    Tag,

    /// <summary>attributes.NAME: run_id, run_name, status, experiment, start_time, end_time, duration, seed, parent_run_id.</summary>
    Attribute,

    /// <summary>dataset.NAME: name, fingerprint, role, classes, source (of any dataset the run used).</summary>
    Dataset,

    /// <summary>model.NAME: name, params, trainable_params, weight_bytes.</summary>
    Model,
}

/// <summary>Which value of a metric series a field means.</summary>
public enum MetricAggregate
{
    /// <summary>The value at the last step (the default).</summary>
    Last,

    /// <summary>The smallest value.</summary>
    Min,

    /// <summary>The largest value.</summary>
    Max,
}

/// <summary>The type a field compares as.</summary>
public enum FieldType
{
    /// <summary>A number.</summary>
    Number,

    /// <summary>Text.</summary>
    Text,

    /// <summary>A point in time: epoch milliseconds or an ISO-8601 string.</summary>
    Time,

    /// <summary>A param: a number compares numerically, a string as text.</summary>
    Param,
}

/// <summary>A field of a run named in a query or a leaderboard column.</summary>
/// <param name="Kind">Metric, param, tag, attribute, dataset or model.</param>
/// <param name="Key">The metric, param or tag key, or the attribute's canonical name.</param>
/// <param name="Aggregate">For metrics: last, min or max.</param>
/// <param name="Text">The field as the user wrote it.</param>
/// <param name="Column">1-based column where it starts.</param>
public sealed record Field(FieldKind Kind, string Key, MetricAggregate Aggregate, string Text, int Column)
{
    /// <summary>Attribute names, their canonical forms and types.</summary>
    internal static readonly IReadOnlyDictionary<string, (string Name, FieldType Type)> Attributes =
        new Dictionary<string, (string, FieldType)>(StringComparer.OrdinalIgnoreCase)
        {
            ["run_id"] = ("run_id", FieldType.Text),
            ["id"] = ("run_id", FieldType.Text),
            ["run_name"] = ("run_name", FieldType.Text),
            ["name"] = ("run_name", FieldType.Text),
            ["status"] = ("status", FieldType.Text),
            ["experiment"] = ("experiment", FieldType.Text),
            ["experiment_name"] = ("experiment", FieldType.Text),
            ["start_time"] = ("start_time", FieldType.Time),
            ["end_time"] = ("end_time", FieldType.Time),
            ["duration"] = ("duration", FieldType.Number),
            ["seed"] = ("seed", FieldType.Number),
            ["parent_run_id"] = ("parent_run_id", FieldType.Text),
        };

    /// <summary>Dataset fields, their canonical forms and types.</summary>
    internal static readonly IReadOnlyDictionary<string, (string Name, FieldType Type)> DatasetFields =
        new Dictionary<string, (string, FieldType)>(StringComparer.OrdinalIgnoreCase)
        {
            ["name"] = ("name", FieldType.Text),
            ["fingerprint"] = ("fingerprint", FieldType.Text),
            ["digest"] = ("fingerprint", FieldType.Text),
            ["role"] = ("role", FieldType.Text),
            ["context"] = ("role", FieldType.Text),
            ["classes"] = ("classes", FieldType.Number),
            ["source"] = ("source", FieldType.Text),
        };

    /// <summary>Model fields, their canonical forms and types.</summary>
    internal static readonly IReadOnlyDictionary<string, (string Name, FieldType Type)> ModelFields =
        new Dictionary<string, (string, FieldType)>(StringComparer.OrdinalIgnoreCase)
        {
            ["name"] = ("name", FieldType.Text),
            ["params"] = ("params", FieldType.Number),
            ["parameters"] = ("params", FieldType.Number),
            ["total_params"] = ("params", FieldType.Number),
            ["trainable_params"] = ("trainable_params", FieldType.Number),
            ["weight_bytes"] = ("weight_bytes", FieldType.Number),
        };

    /// <summary>An attribute of a run, by any of its names (run_id, status, parent_run_id, start_time, …), for building queries in code.</summary>
    /// <exception cref="ArgumentException">No attribute has that name.</exception>
    public static Field Attribute(string name) => Attributes.TryGetValue(name, out var attribute)
        ? new(FieldKind.Attribute, attribute.Name, MetricAggregate.Last, "attributes." + attribute.Name, 0)
        : throw new ArgumentException($"no run attribute '{name}'; they are {string.Join(", ", Attributes.Values.Select(a => a.Name).Distinct())}", nameof(name));

    /// <summary>A tag, by key, for building queries in code.</summary>
    public static Field Tag(string key) => Built(FieldKind.Tag, key, MetricAggregate.Last);

    /// <summary>A param, by key, for building queries in code.</summary>
    public static Field Param(string key) => Built(FieldKind.Param, key, MetricAggregate.Last);

    /// <summary>A metric's last, smallest or largest value, by key, for building queries in code.</summary>
    public static Field Metric(string key, MetricAggregate aggregate = MetricAggregate.Last) => Built(FieldKind.Metric, key, aggregate);

    /// <summary>A field of the run's datasets (name, fingerprint, role, classes, source), for building queries in code.</summary>
    /// <exception cref="ArgumentException">No dataset field has that name.</exception>
    public static Field Dataset(string name) => DatasetFields.TryGetValue(name, out var field)
        ? new(FieldKind.Dataset, field.Name, MetricAggregate.Last, "dataset." + field.Name, 0)
        : throw new ArgumentException($"no dataset field '{name}'", nameof(name));

    /// <summary>This field equals a value (text, a number or true/false): a condition built as a tree, never as pasted text.</summary>
    public ComparisonExpr Is(object value) => new(this, "=", Value(value));

    /// <summary>This field is absent (IS NULL): a run without this tag, param or metric.</summary>
    public IsNullExpr IsNull() => new(this, Negated: false);

    /// <summary>This field in ascending (or descending) order.</summary>
    public OrderTerm Ascending() => new(this, Descending: false);

    /// <summary>This field in descending order.</summary>
    public OrderTerm Descending() => new(this, Descending: true);

    private static Field Built(FieldKind kind, string key, MetricAggregate aggregate)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var field = new Field(kind, key, aggregate, "", 0);
        return field with { Text = field.Canonical };
    }

    private Literal Value(object value)
    {
        var literal = value switch
        {
            string or bool => value,
            RunStatus status => status.ToText(),
            int or long or float or double => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new ArgumentException($"a query value is text, a number or true/false, not {value.GetType().Name}", nameof(value)),
        };
        return new Literal(literal, Convert.ToString(literal, System.Globalization.CultureInfo.InvariantCulture) ?? "", 0);
    }

    /// <summary>The type this field compares as.</summary>
    public FieldType Type => Kind switch
    {
        FieldKind.Metric => FieldType.Number,
        FieldKind.Param => FieldType.Param,
        FieldKind.Tag => FieldType.Text,
        FieldKind.Attribute => Attributes[Key].Type,
        FieldKind.Dataset => DatasetFields[Key].Type,
        FieldKind.Model => ModelFields[Key].Type,
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The field in its canonical spelling, e.g. metrics.val_loss.min or attributes.status.</summary>
    public string Canonical => Kind switch
    {
        FieldKind.Metric => "metrics." + QuoteIfNeeded(Key) + (Aggregate == MetricAggregate.Last ? "" : "." + Aggregate.ToString().ToLowerInvariant()),
        FieldKind.Param => "params." + QuoteIfNeeded(Key),
        FieldKind.Tag => "tags." + QuoteIfNeeded(Key),
        FieldKind.Attribute => "attributes." + Key,
        FieldKind.Dataset => "dataset." + Key,
        FieldKind.Model => "model." + Key,
        _ => throw new InvalidOperationException(),
    };

    private static string QuoteIfNeeded(string key) =>
        key.All(c => char.IsLetterOrDigit(c) || c is '_' or '/' or '-' or ':') && key.Length > 0 && (char.IsLetter(key[0]) || key[0] == '_')
            && !key.Equals("min", StringComparison.OrdinalIgnoreCase) && !key.Equals("max", StringComparison.OrdinalIgnoreCase) && !key.Equals("last", StringComparison.OrdinalIgnoreCase)
            ? key
            : "`" + key.Replace("`", "``", StringComparison.Ordinal) + "`";
}
