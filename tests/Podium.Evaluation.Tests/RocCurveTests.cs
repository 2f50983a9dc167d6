using Podium.Evaluation;
using Xunit;

namespace Podium.Evaluation.Tests;

/// <summary>ROC curves worked by hand, including tied scores and points on a straight segment.</summary>
public sealed class RocCurveTests
{
    [Fact]
    public void Tied_scores_make_one_diagonal_step()
    {
        var curve = RocCurve.Compute("c", [true, false, true, false], [0.8, 0.8, 0.4, 0.1]);

        Assert.Equal([0, 0.5, 0.5, 1], curve.FalsePositiveRate);
        Assert.Equal([0, 0.5, 1, 1], curve.TruePositiveRate);
        Assert.Equal([double.PositiveInfinity, 0.8, 0.4, 0.1], curve.Thresholds);
        Assert.Equal(0.625, curve.Auc, 12);
    }

    [Fact]
    public void Points_on_a_straight_segment_are_dropped()
    {
        // Three positives in a row climb straight up: the two inner points add nothing.
        var curve = RocCurve.Compute("c", [true, true, true, false, false], [0.9, 0.8, 0.7, 0.3, 0.2]);

        Assert.Equal([0, 0, 0, 1], curve.FalsePositiveRate);
        Assert.Equal([0, 1.0 / 3, 1, 1], curve.TruePositiveRate);
        Assert.Equal(1.0, curve.Auc, 12);
    }

    [Fact]
    public void Reversed_scores_give_area_zero()
    {
        Assert.Equal(0.0, RocCurve.Compute("c", [false, true], [0.9, 0.1]).Auc, 12);
    }
}
