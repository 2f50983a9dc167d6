namespace Podium.Evaluation;

/// <summary>Counts of (true class, predicted class): rows are the truth, columns the prediction.</summary>
public sealed class ConfusionMatrix
{
    internal ConfusionMatrix(IReadOnlyList<string> classNames, int[,] counts)
    {
        ClassNames = classNames;
        Counts = counts;
    }

    /// <summary>The class names, in row (and column) order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Counts[truth, prediction].</summary>
    public int[,] Counts { get; }

    /// <summary>Each row divided by its sum (recall on the diagonal); a class with no samples has a row of zeros, as scikit-learn gives.</summary>
    public double[,] Normalized()
    {
        var k = ClassNames.Count;
        var normalized = new double[k, k];
        for (var t = 0; t < k; t++)
        {
            var total = 0;
            for (var p = 0; p < k; p++)
            {
                total += Counts[t, p];
            }

            for (var p = 0; p < k && total > 0; p++)
            {
                normalized[t, p] = (double)Counts[t, p] / total;
            }
        }

        return normalized;
    }
}
