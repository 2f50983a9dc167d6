using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podium.Evaluation;

/// <summary>
/// A run's evaluation as it is stored (the artifact <c>evaluation.json</c>) and read back by the server and the web UI:
/// the class names, the confusion matrix with one row per true class, and the one-vs-rest ROC curves with their micro
/// and macro averages. Values that are undefined (the AUC of a class without samples) are null.
/// </summary>
/// <param name="Classes">The class names, in label order.</param>
/// <param name="Confusion">Counts: row i, column j holds the samples of class i predicted as class j.</param>
/// <param name="Roc">One curve per class, one-vs-rest.</param>
/// <param name="Micro">The micro-averaged curve.</param>
/// <param name="Macro">The macro-averaged curve.</param>
public sealed record EvaluationRecord(
    IReadOnlyList<string> Classes,
    IReadOnlyList<IReadOnlyList<long>> Confusion,
    IReadOnlyList<RocRecord> Roc,
    RocRecord Micro,
    RocRecord Macro)
{
    /// <summary>The record of a computed report.</summary>
    public static EvaluationRecord From(ClassificationReport report)
    {
        var counts = report.Confusion.Counts;
        var rows = Enumerable.Range(0, counts.GetLength(0))
            .Select(i => (IReadOnlyList<long>)Enumerable.Range(0, counts.GetLength(1)).Select(j => (long)counts[i, j]).ToArray())
            .ToArray();
        return new(report.Confusion.ClassNames, rows, report.Roc.Select(RocRecord.From).ToArray(), RocRecord.From(report.MicroRoc), RocRecord.From(report.MacroRoc));
    }

    /// <summary>The record as compact JSON, with the member names in snake_case.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EvaluationJsonContext.Default.EvaluationRecord);

    /// <summary>Reads a record written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not an evaluation record.</exception>
    public static EvaluationRecord Parse(string json) =>
        JsonSerializer.Deserialize(json, EvaluationJsonContext.Default.EvaluationRecord) ?? throw new JsonException("an evaluation record is a JSON object, not null");
}

/// <summary>One ROC curve: its label, its AUC (null when undefined), and its points.</summary>
/// <param name="Label">The class, or "micro" / "macro" for an average.</param>
/// <param name="Auc">The area under the curve; null when it is undefined.</param>
/// <param name="Fpr">False positive rates, one per threshold.</param>
/// <param name="Tpr">True positive rates, one per threshold.</param>
public sealed record RocRecord(string Label, double? Auc, IReadOnlyList<double?> Fpr, IReadOnlyList<double?> Tpr)
{
    /// <summary>The record of a computed curve; values that are not finite become null.</summary>
    public static RocRecord From(RocCurve curve) =>
        new(curve.Label, Finite(curve.Auc), curve.FalsePositiveRate.Select(Finite).ToArray(), curve.TruePositiveRate.Select(Finite).ToArray());

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>The source-generated JSON contract of <see cref="EvaluationRecord"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(EvaluationRecord))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
