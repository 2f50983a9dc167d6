using System.Globalization;
using System.Text.Json;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Tracking.Leaderboards;

/// <summary>One column of a leaderboard: a header, a kind, and how to read its value from a run.</summary>
/// <param name="Name">The name it is asked for by (a built-in name or a field).</param>
/// <param name="Header">The column's heading.</param>
/// <param name="Kind">How values are typed and shown.</param>
/// <param name="Read">Reads the value (string, double, long, <see cref="PerClassValues"/>, a JSON element or null) from a run and its rank.</param>
public sealed record LeaderboardColumn(string Name, string Header, ColumnKind Kind, Func<RunRecord, int, object?> Read)
{
    /// <summary>The params and metrics the column reads; a leaderboard loads only those of each run.</summary>
    public RunProjection Reads { get; init; } = RunProjection.None;

    /// <summary>
    /// The query field the column sorts and filters by, e.g. <c>metrics.val_accuracy</c> for val_accuracy;
    /// null where what it shows is made from several values (rank, per-class scores, shapes, augmentations).
    /// </summary>
    public string? Field { get; init; }

    /// <summary>Every column, in the order DESIGN.md lists them: everything the prototype's CSV had, and more.</summary>
    public static IReadOnlyList<string> DefaultNames { get; } =
    [
        "rank", "run", "data", "model", RunMetrics.ValAccuracy, "precision", "recall", "augmentations", "train_shape", "val_shape",
        "width", "height", "channels", "optimizer", RunParams.Loss, "classes", "batch_size", "epochs", "mean_precision",
        "mean_recall", "macro_f1", "roc_auc", "parameters", RunMetrics.EpochsTrained, RunMetrics.BestEpoch, "duration", "status", "run_id",
    ];

    /// <summary>The columns that fit a terminal.</summary>
    public static IReadOnlyList<string> CompactNames { get; } =
    [
        "rank", "run", "data", "model", RunMetrics.ValAccuracy, "mean_precision", "mean_recall", "macro_f1", "roc_auc",
        "optimizer", "batch_size", RunMetrics.EpochsTrained, "duration", "status",
    ];

    private static readonly Dictionary<string, Func<LeaderboardColumn>> BuiltIns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rank"] = () => new("rank", "rank", ColumnKind.Integer, (_, rank) => (long)rank),
        ["run"] = () => new("run", "run", ColumnKind.Text, (r, _) => r.Info.Name) { Field = "attributes.run_name" },
        ["run_id"] = () => new("run_id", "run_id", ColumnKind.Text, (r, _) => r.Info.Id) { Field = "attributes.run_id" },
        ["experiment"] = () => new("experiment", "experiment", ColumnKind.Text, (r, _) => r.Info.Experiment) { Field = "attributes.experiment" },
        ["status"] = () => new("status", "status", ColumnKind.Text, (r, _) => r.Info.Status.ToText()) { Field = "attributes.status" },
        ["start_time"] = () => new("start_time", "start_time", ColumnKind.Text, (r, _) => r.Info.StartTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
        {
            Field = "attributes.start_time",
        },
        ["duration"] = () => new("duration", "duration", ColumnKind.Seconds, (r, _) => r.Info.Duration?.TotalSeconds) { Field = "attributes.duration" },
        ["data"] = () => new("data", "data", ColumnKind.Text, (r, _) => Training(r)?.Dataset.Name) { Field = "dataset.name" },
        ["model"] = () => new("model", "model", ColumnKind.Text, (r, _) => r.Model?.Name ?? Param(r, RunParams.Model) as string) { Reads = RunProjection.Param(RunParams.Model), Field = "model.name" },
        ["augmentations"] = () => new("augmentations", "augmentations", ColumnKind.Text, (r, _) => Training(r) is { } use ? Augmentations(use.Augmentations) : null),
        ["train_shape"] = () => new("train_shape", "train_shape", ColumnKind.Text, (r, _) => Shape(r, "train")),
        ["val_shape"] = () => new("val_shape", "val_shape", ColumnKind.Text, (r, _) => Shape(r, "validation")),
        ["test_shape"] = () => new("test_shape", "test_shape", ColumnKind.Text, (r, _) => Shape(r, "test")),
        ["classes"] = () => new("classes", "classes", ColumnKind.Integer, (r, _) => Training(r) is { } use ? (long)use.Dataset.ClassNames.Count : Param(r, "num_classes") is double d ? (long)d : null)
        {
            Reads = RunProjection.Param("num_classes"),
            Field = "dataset.classes",
        },
        ["precision"] = () => new("precision", "precision", ColumnKind.Text, (r, _) => PerClass(r, RunMetrics.PrecisionPrefix))
        {
            Reads = RunProjection.MetricsStartingWith(RunMetrics.PrecisionPrefix),
        },
        ["recall"] = () => new("recall", "recall", ColumnKind.Text, (r, _) => PerClass(r, RunMetrics.RecallPrefix))
        {
            Reads = RunProjection.MetricsStartingWith(RunMetrics.RecallPrefix),
        },
        [RunMetrics.ValAccuracy] = () => Metric(RunMetrics.ValAccuracy, RunMetrics.ValAccuracy),
        ["mean_precision"] = () => Metric("mean_precision", RunMetrics.PrecisionMacro),
        ["mean_recall"] = () => Metric("mean_recall", RunMetrics.RecallMacro),
        ["macro_f1"] = () => Metric("macro_f1", RunMetrics.F1Macro),
        ["roc_auc"] = () => Metric("roc_auc", RunMetrics.RocAucMacro),
        [RunMetrics.EpochsTrained] = () => MetricInteger(RunMetrics.EpochsTrained, RunMetrics.EpochsTrained),
        [RunMetrics.BestEpoch] = () => MetricInteger(RunMetrics.BestEpoch, RunMetrics.BestEpoch),
        ["parameters"] = () => new("parameters", "parameters", ColumnKind.Integer, (r, _) => r.Model?.TotalParameters) { Field = "model.params" },
        ["width"] = () => ParamColumn("width", RunParams.Width),
        ["height"] = () => ParamColumn("height", RunParams.Height),
        ["channels"] = () => ParamColumn("channels", RunParams.Channels),
        ["optimizer"] = () => ParamColumn("optimizer", RunParams.Optimizer),
        [RunParams.Loss] = () => ParamColumn(RunParams.Loss, RunParams.Loss),
        ["batch_size"] = () => ParamColumn("batch_size", RunParams.BatchSize),
        ["epochs"] = () => ParamColumn("epochs", RunParams.Epochs),
    };

    /// <summary>Resolves a column name: a built-in (rank, run, data, model, …) or a field (metrics.KEY, params.KEY, …).</summary>
    /// <exception cref="QueryException">Neither a built-in nor a valid field.</exception>
    public static LeaderboardColumn Resolve(string name)
    {
        var trimmed = name.Trim();
        if (BuiltIns.TryGetValue(trimmed, out var make))
        {
            return make();
        }

        if (!trimmed.Contains('.', StringComparison.Ordinal))
        {
            throw new QueryException(
                $"unknown column; use a field such as metrics.{trimmed} or params.{trimmed}, or one of: {string.Join(", ", BuiltIns.Keys.Order(StringComparer.Ordinal))}",
                1, trimmed);
        }

        var field = RunQuery.ParseField(trimmed);
        return field.Kind switch
        {
            FieldKind.Metric => new(trimmed, field.Canonical["metrics.".Length..], ColumnKind.Number, (r, _) => MetricValue(r, field.Key, field.Aggregate))
            {
                Reads = RunProjection.Metric(field.Key),
            },
            FieldKind.Param => new(trimmed, field.Key, ColumnKind.Text, (r, _) => Param(r, field.Key)) { Reads = RunProjection.Param(field.Key) },
            FieldKind.Tag => new(trimmed, field.Key, ColumnKind.Text, (r, _) => r.Tags.GetValueOrDefault(field.Key)),
            FieldKind.Attribute => AttributeColumn(trimmed, field.Key),
            FieldKind.Dataset => new(trimmed, "dataset." + field.Key, field.Key == "classes" ? ColumnKind.Integer : ColumnKind.Text, (r, _) => DatasetValue(r, field.Key)),
            _ => new(trimmed, "model." + field.Key, field.Key == "name" ? ColumnKind.Text : ColumnKind.Integer, (r, _) => ModelValue(r, field.Key)),
        } with { Field = field.Canonical };
    }

    private static LeaderboardColumn Metric(string name, string key) =>
        new(name, name, ColumnKind.Number, (r, _) => MetricValue(r, key, MetricAggregate.Last)) { Reads = RunProjection.Metric(key), Field = "metrics." + key };

    private static LeaderboardColumn MetricInteger(string name, string key) =>
        new(name, name, ColumnKind.Integer, (r, _) => MetricValue(r, key, MetricAggregate.Last) is double d && double.IsFinite(d) ? (long)d : null)
        {
            Reads = RunProjection.Metric(key),
            Field = "metrics." + key,
        };

    private static LeaderboardColumn ParamColumn(string name, string key) =>
        new(name, name, ColumnKind.Text, (r, _) => Param(r, key)) { Reads = RunProjection.Param(key), Field = "params." + key };

    private static LeaderboardColumn AttributeColumn(string name, string key) => key switch
    {
        "run_id" => BuiltIns["run_id"](),
        "run_name" => BuiltIns["run"](),
        "status" => BuiltIns["status"](),
        "experiment" => BuiltIns["experiment"](),
        "start_time" => BuiltIns["start_time"](),
        "duration" => BuiltIns["duration"](),
        "end_time" => new(name, "end_time", ColumnKind.Text, (r, _) => r.Info.EndTime?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
        "seed" => new(name, "seed", ColumnKind.Integer, (r, _) => r.Info.Seed),
        _ => new(name, "parent_run_id", ColumnKind.Text, (r, _) => r.Info.ParentRunId),
    };

    private static double? MetricValue(RunRecord run, string key, MetricAggregate aggregate) =>
        run.Metrics.TryGetValue(key, out var s)
            ? aggregate switch { MetricAggregate.Min => s.Min, MetricAggregate.Max => s.Max, _ => s.Last }
            : null;

    // Numbers stay numbers so JSON and sorting see them as such; everything else is its text.
    private static object? Param(RunRecord run, string key) =>
        run.Params.TryGetValue(key, out var value) ? value.Number is { } n ? n : value.Text : null;

    private static DatasetUse? Training(RunRecord run) =>
        run.Datasets.FirstOrDefault(d => d.Role == "train") ?? run.Datasets.FirstOrDefault();

    private static string? Shape(RunRecord run, string split)
    {
        foreach (var use in run.Datasets)
        {
            if (use.Dataset.Splits.TryGetValue(split, out var shape))
            {
                return SplitShape.Format(shape.X);
            }
        }

        return null;
    }

    private static object? DatasetValue(RunRecord run, string key)
    {
        var use = Training(run);
        return use is null ? null : key switch
        {
            "name" => use.Dataset.Name,
            "fingerprint" => use.Dataset.Fingerprint,
            "role" => use.Role,
            "classes" => (long)use.Dataset.ClassNames.Count,
            _ => use.Dataset.Source,
        };
    }

    private static object? ModelValue(RunRecord run, string key) => run.Model is not { } model ? null : key switch
    {
        "name" => model.Name,
        "params" => model.TotalParameters,
        "trainable_params" => model.TrainableParameters,
        _ => model.WeightBytes,
    };

    /// <summary>Per-class values in the training dataset's class order (shown as "cat 0.91, dog 0.85", written to JSON as an object).</summary>
    private static PerClassValues? PerClass(RunRecord run, string prefix)
    {
        var found = run.Metrics.Where(m => m.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(m => m.Key[prefix.Length..], m => m.Value.Last);
        if (found.Count == 0)
        {
            return null;
        }

        var order = Training(run)?.Dataset.ClassNames.Where(found.ContainsKey).ToList() ?? [];
        order.AddRange(found.Keys.Where(k => !order.Contains(k)).Order(StringComparer.Ordinal));
        return new PerClassValues(order.Select(c => KeyValuePair.Create(c, found[c])).ToList());
    }

    /// <summary>A recorded augmentation stage as a JSON object (empty when there is none, shown as "none").</summary>
    private static JsonElement Augmentations(string? json)
    {
        using var document = JsonDocument.Parse(json ?? "{}");
        return document.RootElement.Clone();
    }
}
