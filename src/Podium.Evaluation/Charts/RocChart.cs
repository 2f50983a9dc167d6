namespace Podium.Evaluation.Charts;

/// <summary>One-vs-rest ROC curves as a standalone SVG, each class plus the micro and macro averages, with AUC in the legend.</summary>
public static class RocChart
{
    /// <summary>Renders the report's curves; a class whose AUC is undefined is listed as such and not drawn.</summary>
    public static string Render(ClassificationReport report, string title = "ROC curves (one-vs-rest)")
    {
        var curves = report.Roc.Select((c, i) => (Curve: c, Colour: Svg.Palette[i % Svg.Palette.Length], Dash: (string?)null))
            .Append((Curve: report.MicroRoc, Colour: "#000000", Dash: "6 3")).Append((Curve: report.MacroRoc, Colour: "#555555", Dash: "2 3")).ToList();
        const double Size = 380;
        var legendWidth = 60 + 7 * curves.Max(c => c.Curve.Label.Length + 14);
        var svg = new Svg(70 + Size + 30 + legendWidth, Size + 110, title);
        var axes = new Axes(svg, 70, 40, Size, Size, (0, 1), (0, 1));
        axes.Draw("false positive rate", "true positive rate", title);
        svg.Line(axes.X(0), axes.Y(0), axes.X(1), axes.Y(1), "#bbbbbb", 1, "4 4");
        for (var i = 0; i < curves.Count; i++)
        {
            var (curve, colour, dash) = curves[i];
            var defined = !double.IsNaN(curve.Auc);
            if (defined)
            {
                var points = curve.FalsePositiveRate.Zip(curve.TruePositiveRate).Select(p => (axes.X(p.First), axes.Y(p.Second)));
                svg.Polyline(points, colour, 2, dash);
            }

            var y = axes.Top + 10 + i * 18;
            var x = axes.Left + Size + 30;
            svg.Line(x, y - 4, x + 24, y - 4, colour, 2, dash);
            svg.Text(x + 30, y, $"{curve.Label} (AUC {(defined ? curve.Auc.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "undefined")})", size: 11);
        }

        return svg.ToString();
    }
}
