using Podium.Evaluation;
using Xunit;

namespace Podium.Evaluation.Tests;

/// <summary>Metrics on small cases worked by hand: a tie, a class never predicted, a missing class, a single-class split.</summary>
public sealed class ClassificationReportTests
{
    private static readonly string[] Animals = ["cat", "dog", "bird"];

    /// <summary>Six samples; bird is never predicted and sample 5 ties cat with dog (argmax takes cat).</summary>
    private static ClassificationReport Worked() => ClassificationReport.Compute(Animals, [0, 0, 1, 1, 2, 0],
    [
        0.7f, 0.2f, 0.1f,
        0.4f, 0.5f, 0.1f,
        0.2f, 0.7f, 0.1f,
        0.6f, 0.3f, 0.1f,
        0.3f, 0.4f, 0.3f,
        0.5f, 0.5f, 0.0f,
    ]);

    [Fact]
    public void Accuracy_and_confusion_count_rows_as_truth_and_columns_as_prediction()
    {
        var report = Worked();

        Assert.Equal(0.5, report.Accuracy, 12);
        Assert.Equal(new[,] { { 2, 1, 0 }, { 1, 1, 0 }, { 0, 1, 0 } }, report.Confusion.Counts);
        var normalized = report.Confusion.Normalized();
        Assert.Equal(2.0 / 3, normalized[0, 0], 12);
        Assert.Equal(0.5, normalized[1, 1], 12);
        Assert.Equal(1.0, normalized[2, 1], 12);
    }

    [Fact]
    public void Per_class_and_averaged_precision_recall_f1_match_the_hand_computation()
    {
        var report = Worked();

        // cat: 2 of 3 predictions right, 2 of 3 samples found; dog: 1 of 3, 1 of 2; bird: never predicted, 0 of 1.
        AssertMetrics(report.PerClass[0], 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
        AssertMetrics(report.PerClass[1], 1.0 / 3, 0.5, 0.4, 2);
        AssertMetrics(report.PerClass[2], 0, 0, 0, 1);
        Assert.Equal(1.0 / 3, report.Macro.Precision, 12);
        Assert.Equal(7.0 / 18, report.Macro.Recall, 12);
        Assert.Equal((2.0 / 3 + 0.4) / 3, report.Macro.F1, 12);
        Assert.Equal(4.0 / 9, report.Weighted.Precision, 12);
        Assert.Equal(0.5, report.Weighted.Recall, 12);
        Assert.Equal(2.8 / 6, report.Weighted.F1, 12);
        Assert.Equal(new AveragedMetrics(0.5, 0.5, 0.5), report.Micro);
    }

    [Fact]
    public void A_class_never_predicted_gets_precision_zero_with_a_warning()
    {
        var warning = Assert.Single(Worked().Warnings);

        Assert.Equal("class 'bird' is never predicted: its precision is set to 0", warning);
    }

    [Fact]
    public void Top_k_breaks_ties_towards_the_higher_class_as_scikit_learn_does()
    {
        var report = Worked();

        // Sample 5 ties cat (its truth) with dog: argmax says cat, top-1 ranks dog first.
        Assert.Equal(2.0 / 6, report.TopKAccuracy(1), 12);
        Assert.Equal(1.0, report.TopKAccuracy(2), 12);
        Assert.Equal(1.0, report.TopKAccuracy(3), 12);
    }

    [Fact]
    public void Log_loss_is_the_mean_negative_log_probability_of_the_truth()
    {
        var expected = -(Math.Log(0.7) + Math.Log(0.4) + Math.Log(0.7) + Math.Log(0.3) + Math.Log(0.3) + Math.Log(0.5)) / 6;

        Assert.Equal(expected, Worked().LogLoss, 6);
    }

    [Fact]
    public void Roc_auc_per_class_is_the_share_of_correctly_ordered_pairs()
    {
        var report = Worked();

        // cat scores, positives {.7, .4, .5} vs negatives {.2, .6, .3}: 7 of 9 pairs ordered right → 7/9.
        Assert.Equal(7.0 / 9, report.Roc[0].Auc, 12);
        // dog, positives {.7, .3} vs negatives {.2, .5, .4, .5}: 5 of 8.
        Assert.Equal(5.0 / 8, report.Roc[1].Auc, 12);
        // bird, positive {.3} vs negatives {.1, .1, .1, .1, 0}: all ordered right.
        Assert.Equal(1.0, report.Roc[2].Auc, 12);
        Assert.Equal(report.Roc.Average(r => r.Auc), report.MacroRoc.Auc, 12);
    }

    [Fact]
    public void A_missing_class_has_recall_zero_and_no_auc_and_the_average_skips_it()
    {
        var report = ClassificationReport.Compute(Animals, [0, 1, 0, 1], [0.9f, 0.1f, 0f, 0.2f, 0.8f, 0f, 0.6f, 0.3f, 0.1f, 0.4f, 0.5f, 0.1f]);

        Assert.Equal(0, report.PerClass[2].Support);
        Assert.Equal(0, report.PerClass[2].Recall);
        Assert.True(double.IsNaN(report.Roc[2].Auc));
        Assert.Equal(1.0, report.MacroRoc.Auc, 12);
        Assert.Contains("class 'bird' is absent: its ROC AUC is undefined and left out of the average", report.Warnings);
        Assert.Equal(1.0, report.Accuracy);
    }

    [Fact]
    public void A_single_class_split_still_reports_accuracy_and_leaves_auc_undefined()
    {
        var report = ClassificationReport.Compute(Animals, [1, 1, 1], [0.1f, 0.8f, 0.1f, 0.6f, 0.3f, 0.1f, 0.2f, 0.7f, 0.1f]);

        Assert.Equal(2.0 / 3, report.Accuracy, 12);
        Assert.Equal(1.0, report.PerClass[1].Precision);
        Assert.True(report.Roc.All(r => double.IsNaN(r.Auc)));
        Assert.True(double.IsNaN(report.MacroRoc.Auc));
        Assert.Contains("class 'dog' is every sample: its ROC AUC is undefined and left out of the average", report.Warnings);
        // Pooled: positives {.8, .3, .7} against six negatives, of which only .6 outranks .3 → 17/18.
        Assert.Equal(17.0 / 18, report.MicroRoc.Auc, 12);
    }

    [Theory]
    [InlineData(new[] { 0, 3 }, 6, "label 3 of sample 1 is not one of the 3 classes")]
    [InlineData(new[] { 0, 1 }, 5, "2 labels and 3 classes need 6 probabilities, got 5")]
    public void Bad_input_is_named(int[] labels, int probabilities, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(Animals, labels, new float[probabilities]));

        Assert.Equal(message, error.Message);
    }

    private static void AssertMetrics(ClassMetrics metrics, double precision, double recall, double f1, int support)
    {
        Assert.Equal(precision, metrics.Precision, 12);
        Assert.Equal(recall, metrics.Recall, 12);
        Assert.Equal(f1, metrics.F1, 12);
        Assert.Equal(support, metrics.Support);
    }
}
