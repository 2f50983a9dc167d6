using Podium.Evaluation;
using Podium.Tests;
using Xunit;

namespace Podium.Evaluation.Tests;

/// <summary>The evaluation as stored (evaluation.json) and read by the server and the web UI: its shape is a snapshot.</summary>
public sealed class EvaluationRecordTests
{
    private static readonly string[] Animals = ["cat", "dog", "bird"];

    /// <summary>Four samples, all right (two cats, two dogs); bird has no samples, so its AUC is undefined.</summary>
    private static ClassificationReport Report() =>
        ClassificationReport.Compute(Animals, [0, 1, 0, 1], [0.9f, 0.1f, 0f, 0.2f, 0.8f, 0f, 0.6f, 0.3f, 0.1f, 0.4f, 0.5f, 0.1f]);

    [Fact]
    public void The_record_holds_the_confusion_matrix_and_curves_with_undefined_values_as_null()
    {
        var record = EvaluationRecord.From(Report());

        Assert.Equal(Animals, record.Classes);
        Assert.Equal([[2L, 0L, 0L], [0L, 2L, 0L], [0L, 0L, 0L]], record.Confusion.Select(row => row.ToArray()));
        Assert.Equal(["cat", "dog", "bird"], record.Roc.Select(c => c.Label));
        Assert.Equal(1.0, record.Roc[0].Auc);
        Assert.Null(record.Roc[2].Auc);
        Snapshot.Matches(record.ToJson(), "evaluation.json");
    }

    [Fact]
    public void A_stored_record_reads_back_as_it_was_written()
    {
        var json = EvaluationRecord.From(Report()).ToJson();

        Assert.Equal(json, EvaluationRecord.Parse(json).ToJson());
    }

    [Fact]
    public void Text_that_is_not_a_record_is_refused()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => EvaluationRecord.Parse("null"));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => EvaluationRecord.Parse("""{"classes": null}"""));
    }
}
