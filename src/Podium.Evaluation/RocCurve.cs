namespace Podium.Evaluation;

/// <summary>
/// A receiver operating characteristic curve: false and true positive rates at each distinct score
/// threshold, highest first, from the (0, 0) point, with the area under it.
/// </summary>
public sealed class RocCurve
{
    internal RocCurve(string label, double[] falsePositiveRate, double[] truePositiveRate, double[] thresholds, double auc)
    {
        Label = label;
        FalsePositiveRate = falsePositiveRate;
        TruePositiveRate = truePositiveRate;
        Thresholds = thresholds;
        Auc = auc;
    }

    /// <summary>The class (or "micro-average", "macro-average") the curve belongs to.</summary>
    public string Label { get; }

    /// <summary>False positive rates, non-decreasing.</summary>
    public IReadOnlyList<double> FalsePositiveRate { get; }

    /// <summary>True positive rates, non-decreasing.</summary>
    public IReadOnlyList<double> TruePositiveRate { get; }

    /// <summary>The score at or above which a sample counts as positive at each point; the first is +∞ (nothing positive). Empty for the macro average.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>The area under the curve; NaN when the samples hold only one of the two classes.</summary>
    public double Auc { get; }

    /// <summary>
    /// scikit-learn's <c>roc_curve</c> (with <c>drop_intermediate</c>) and <c>roc_auc_score</c> for binary truth:
    /// tied scores form one threshold, so ties give a diagonal step, and points on a straight segment are dropped.
    /// </summary>
    public static RocCurve Compute(string label, ReadOnlySpan<bool> positive, ReadOnlySpan<double> scores)
    {
        if (positive.Length != scores.Length)
        {
            throw new ArgumentException($"{positive.Length} labels but {scores.Length} scores");
        }

        var n = scores.Length;
        foreach (var score in scores)
        {
            if (!double.IsFinite(score))
            {
                throw new ArgumentException($"scores must be finite numbers, got {score}");
            }
        }

        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var keys = scores.ToArray();
        Array.Sort(keys, order);
        Array.Reverse(order);
        Array.Reverse(keys);

        // One point per distinct score: cumulative true and false positives after taking every sample at or above it.
        var tps = new List<double>();
        var fps = new List<double>();
        var thresholds = new List<double>();
        double truePositives = 0;
        for (var i = 0; i < n; i++)
        {
            truePositives += positive[order[i]] ? 1 : 0;
            if (i == n - 1 || keys[i + 1] != keys[i])
            {
                tps.Add(truePositives);
                fps.Add(i + 1 - truePositives);
                thresholds.Add(keys[i]);
            }
        }

        // Drop points that lie on the straight line through their neighbours: they change neither shape nor area.
        var keep = new List<int>();
        for (var i = 0; i < tps.Count; i++)
        {
            if (tps.Count <= 2 || i == 0 || i == tps.Count - 1
                || fps[i - 1] - 2 * fps[i] + fps[i + 1] != 0 || tps[i - 1] - 2 * tps[i] + tps[i + 1] != 0)
            {
                keep.Add(i);
            }
        }

        var (positives, negatives) = (n == 0 ? 0 : tps[^1], n == 0 ? 0 : fps[^1]);
        var fpr = new double[keep.Count + 1];
        var tpr = new double[keep.Count + 1];
        var at = new double[keep.Count + 1];
        at[0] = double.PositiveInfinity;
        for (var j = 0; j < keep.Count; j++)
        {
            fpr[j + 1] = negatives > 0 ? fps[keep[j]] / negatives : double.NaN;
            tpr[j + 1] = positives > 0 ? tps[keep[j]] / positives : double.NaN;
            at[j + 1] = thresholds[keep[j]];
        }

        var auc = positives > 0 && negatives > 0 ? Trapezoid(fpr, tpr) : double.NaN;
        return new RocCurve(label, fpr, tpr, at, auc);
    }

    /// <summary>The macro average as scikit-learn's example draws it: every curve interpolated at the union of their false positive rates, then averaged.</summary>
    internal static RocCurve MacroAverage(IReadOnlyList<RocCurve> curves, double auc)
    {
        var defined = curves.Where(c => !double.IsNaN(c.Auc)).ToList();
        var grid = defined.SelectMany(c => c.FalsePositiveRate).Distinct().Order().ToArray();
        var mean = new double[grid.Length];
        foreach (var curve in defined)
        {
            for (var i = 0; i < grid.Length; i++)
            {
                mean[i] += Interpolate(grid[i], curve.FalsePositiveRate, curve.TruePositiveRate) / defined.Count;
            }
        }

        return new RocCurve("macro-average", grid, mean, [], auc);
    }

    /// <summary>numpy's interp: linear between the last point at or before x and the next one.</summary>
    private static double Interpolate(double x, IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        if (x < xs[0])
        {
            return ys[0];
        }

        var j = LastAtOrBefore(x, xs);
        if (j == xs.Count - 1)
        {
            return ys[j];
        }

        return ys[j] + (ys[j + 1] - ys[j]) * (x - xs[j]) / (xs[j + 1] - xs[j]);
    }

    // Binary search: xs is non-decreasing and xs[0] <= x.
    private static int LastAtOrBefore(double x, IReadOnlyList<double> xs)
    {
        var (lo, hi) = (0, xs.Count - 1);
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (xs[mid] <= x)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    private static double Trapezoid(double[] x, double[] y)
    {
        double area = 0;
        for (var i = 1; i < x.Length; i++)
        {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }

        return area;
    }
}
