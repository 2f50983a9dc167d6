namespace Podium.Evaluation.Charts;

/// <summary>Learning curves as a standalone SVG: accuracy and loss per epoch, training solid and validation dashed.</summary>
public static class LearningCurveChart
{
    /// <summary>Renders a Keras-style history (metric name → one value per epoch); panels for whichever of accuracy and loss it has.</summary>
    public static string Render(IReadOnlyDictionary<string, IReadOnlyList<double>> history, string title = "Learning curves")
    {
        var panels = new[] { ("accuracy", "Accuracy"), ("loss", "Loss") }.Where(p => history.ContainsKey(p.Item1) || history.ContainsKey("val_" + p.Item1)).ToList();
        const double PanelWidth = 380, Height = 320;
        var svg = new Svg(Math.Max(1, panels.Count) * PanelWidth + 20, Height, title);
        for (var index = 0; index < panels.Count; index++)
        {
            var (key, name) = panels[index];
            var series = new[] { (Name: "training", Key: key, Dash: (string?)null), (Name: "validation", Key: "val_" + key, Dash: "6 4") }
                .Where(s => history.TryGetValue(s.Key, out var v) && v.Count > 0).ToList();
            var values = series.SelectMany(s => history[s.Key]).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
            var epochs = series.Max(s => history[s.Key].Count);
            var (low, high) = key == "accuracy" ? (Math.Min(0, values.Min()), Math.Max(1, values.Max())) : (Math.Min(0, values.Min()), values.Max() * 1.05);
            var axes = new Axes(svg, index * PanelWidth + 70, 40, PanelWidth - 100, Height - 100, (1, Math.Max(2, epochs)), (low, high));
            axes.Draw("epoch", name.ToLowerInvariant(), name, integerX: true);
            for (var s = 0; s < series.Count; s++)
            {
                var points = history[series[s].Key];
                var colour = Svg.Palette[s];
                var finite = points.Select((v, i) => (X: axes.X(i + 1), Y: v)).Where(p => double.IsFinite(p.Y)).Select(p => (p.X, axes.Y(p.Y))).ToList();
                svg.Polyline(finite, colour, dash: series[s].Dash);
                foreach (var (x, y) in finite)
                {
                    svg.Circle(x, y, 2.5, colour);
                }

                var legendY = axes.Top + 16 + s * 16;
                svg.Line(axes.Left + axes.Width - 110, legendY - 4, axes.Left + axes.Width - 86, legendY - 4, colour, 2, series[s].Dash);
                svg.Text(axes.Left + axes.Width - 80, legendY, series[s].Name, size: 11);
            }
        }

        return svg.ToString();
    }
}
