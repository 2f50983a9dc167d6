namespace Podium.Evaluation.Charts;

/// <summary>The confusion matrix as a labelled heatmap: rows the truth, columns the prediction, each cell its count, shaded by its share of the row.</summary>
public static class ConfusionMatrixChart
{
    /// <summary>Renders the matrix; cells are shaded by the row-normalised value so rare classes read as clearly as common ones.</summary>
    public static string Render(ConfusionMatrix matrix, string title = "Confusion matrix")
    {
        var k = matrix.ClassNames.Count;
        var normalized = matrix.Normalized();
        var cell = Math.Clamp(480.0 / Math.Max(1, k), 28, 64);
        var labelWidth = Math.Min(160, 12 + 7 * matrix.ClassNames.Max(n => n.Length));
        var (left, top) = (labelWidth + 40, 50.0);
        var svg = new Svg(left + k * cell + 20, top + k * cell + labelWidth + 30, title);
        svg.Text(left + k * cell / 2, 24, title, "middle", size: 14, weight: "bold");
        for (var t = 0; t < k; t++)
        {
            for (var p = 0; p < k; p++)
            {
                var share = normalized[t, p];
                var (x, y) = (left + p * cell, top + t * cell);
                svg.Rect(x, y, cell, cell, Blue(share), "#ffffff");
                svg.Text(x + cell / 2, y + cell / 2 + 4, matrix.Counts[t, p].ToString(System.Globalization.CultureInfo.InvariantCulture), "middle", share > 0.5 ? "#ffffff" : "#222222", size: 11);
            }

            svg.Text(left - 6, top + t * cell + cell / 2 + 4, matrix.ClassNames[t], "end", size: 11);
            svg.Text(left + t * cell + cell / 2, top + k * cell + 8, matrix.ClassNames[t], "end", size: 11, rotate: -45);
        }

        svg.Text(16, top + k * cell / 2, "true class", "middle", rotate: -90);
        svg.Text(left + k * cell / 2, top + k * cell + labelWidth + 20, "predicted class", "middle");
        return svg.ToString();
    }

    /// <summary>White to dark blue, linear in each channel.</summary>
    private static string Blue(double share)
    {
        var s = Math.Clamp(share, 0, 1);
        int Mix(int from, int to) => (int)Math.Round(from + (to - from) * s);
        return $"#{Mix(0xf7, 0x08):x2}{Mix(0xfb, 0x30):x2}{Mix(0xff, 0x6b):x2}";
    }
}
