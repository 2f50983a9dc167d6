using System.Xml.Linq;
using Podium.Evaluation;
using Podium.Evaluation.Charts;
using Podium.Tests;
using Xunit;

namespace Podium.Evaluation.Tests.Charts;

/// <summary>The three charts against checked-in SVG snapshots, plus what a snapshot cannot show: well-formed XML, escaped text, the numbers drawn.</summary>
public sealed class ChartTests
{
    private static readonly Dictionary<string, IReadOnlyList<double>> History = new()
    {
        ["accuracy"] = [0.42, 0.61, 0.7, 0.76, 0.8],
        ["val_accuracy"] = [0.5, 0.63, 0.69, 0.71, 0.7],
        ["loss"] = [1.6, 1.1, 0.86, 0.7, 0.6],
        ["val_loss"] = [1.3, 1.0, 0.9, 0.88, double.NaN],
    };

    private static ClassificationReport Report() => ClassificationReport.Compute(["circle", "square", "<triangle>"], [0, 0, 1, 1, 2, 2, 0, 1],
    [
        0.8f, 0.1f, 0.1f,
        0.5f, 0.4f, 0.1f,
        0.2f, 0.7f, 0.1f,
        0.3f, 0.3f, 0.4f,
        0.1f, 0.2f, 0.7f,
        0.3f, 0.3f, 0.4f,
        0.4f, 0.5f, 0.1f,
        0.1f, 0.8f, 0.1f,
    ]);

    [Fact]
    public void Learning_curves_match_snapshot() => Snapshot.Matches(LearningCurveChart.Render(History), "learning_curves.svg");

    [Fact]
    public void Confusion_matrix_matches_snapshot() => Snapshot.Matches(ConfusionMatrixChart.Render(Report().Confusion), "confusion_matrix.svg");

    [Fact]
    public void Roc_curves_match_snapshot() => Snapshot.Matches(RocChart.Render(Report()), "roc_curves.svg");

    [Fact]
    public void Every_chart_is_well_formed_svg_with_class_names_as_escaped_text()
    {
        foreach (var svg in new[] { LearningCurveChart.Render(History), ConfusionMatrixChart.Render(Report().Confusion), RocChart.Render(Report()) })
        {
            var root = XDocument.Parse(svg).Root!;
            Assert.Equal("{http://www.w3.org/2000/svg}svg", root.Name.ToString());
            Assert.DoesNotContain("<triangle>", svg, StringComparison.Ordinal);
        }

        var texts = XDocument.Parse(ConfusionMatrixChart.Render(Report().Confusion)).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("<triangle>", texts);
    }

    [Fact]
    public void The_heatmap_shows_each_count_and_the_legend_each_auc()
    {
        var report = Report();
        var cells = XDocument.Parse(ConfusionMatrixChart.Render(report.Confusion)).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        var legend = XDocument.Parse(RocChart.Render(report)).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();

        // Truth circle: predicted circle, circle, square → 2, 1, 0.
        Assert.Equal(["2", "1", "0"], cells.Skip(1).Take(3));
        foreach (var curve in report.Roc)
        {
            Assert.Contains($"{curve.Label} (AUC {curve.Auc.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)})", legend);
        }

        Assert.Contains(legend, t => t.StartsWith("macro-average (AUC ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_nan_epoch_is_left_out_of_the_line_not_drawn_at_zero()
    {
        var svg = XDocument.Parse(LearningCurveChart.Render(History));
        var lines = svg.Descendants().Where(e => e.Name.LocalName == "polyline").Select(e => e.Attribute("points")!.Value.Split(' ').Length).ToList();

        Assert.Equal([5, 5, 5, 4], lines);
    }
}
