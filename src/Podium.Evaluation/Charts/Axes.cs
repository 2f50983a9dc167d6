namespace Podium.Evaluation.Charts;

/// <summary>A plot area inside an SVG: maps data to pixels and draws the frame, ticks, grid and labels.</summary>
internal sealed class Axes
{
    private readonly Svg _svg;

    public Axes(Svg svg, double left, double top, double width, double height, (double Min, double Max) x, (double Min, double Max) y)
    {
        (_svg, Left, Top, Width, Height) = (svg, left, top, width, height);
        XRange = x.Max > x.Min ? x : (x.Min - 0.5, x.Min + 0.5);
        YRange = y.Max > y.Min ? y : (y.Min - 0.5, y.Min + 0.5);
    }

    public double Left { get; }

    public double Top { get; }

    public double Width { get; }

    public double Height { get; }

    public (double Min, double Max) XRange { get; }

    public (double Min, double Max) YRange { get; }

    public double X(double value) => Left + (value - XRange.Min) / (XRange.Max - XRange.Min) * Width;

    public double Y(double value) => Top + Height - (value - YRange.Min) / (YRange.Max - YRange.Min) * Height;

    /// <summary>Grid lines and labels at "nice" steps (1, 2 or 5 × 10ⁿ), the frame, and the axis titles.</summary>
    public void Draw(string xTitle, string yTitle, string title, bool integerX = false)
    {
        foreach (var t in Ticks(YRange, 5, integer: false))
        {
            _svg.Line(Left, Y(t), Left + Width, Y(t), "#e5e5e5");
            _svg.Text(Left - 6, Y(t) + 4, Label(t), "end", size: 11);
        }

        foreach (var t in Ticks(XRange, 6, integerX))
        {
            _svg.Line(X(t), Top, X(t), Top + Height, "#e5e5e5");
            _svg.Text(X(t), Top + Height + 16, Label(t), "middle", size: 11);
        }

        _svg.Rect(Left, Top, Width, Height, "none", "#888888");
        _svg.Text(Left + Width / 2, Top + Height + 34, xTitle, "middle");
        _svg.Text(Left - 42, Top + Height / 2, yTitle, "middle", rotate: -90);
        _svg.Text(Left + Width / 2, Top - 10, title, "middle", size: 14, weight: "bold");
    }

    /// <summary>Values at a round step covering the range with about <paramref name="count"/> marks.</summary>
    public static List<double> Ticks((double Min, double Max) range, int count, bool integer)
    {
        var span = range.Max - range.Min;
        var raw = span / count;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        if (integer)
        {
            step = Math.Max(1, Math.Ceiling(step));
        }

        var ticks = new List<double>();
        for (var t = Math.Ceiling(range.Min / step - 1e-9) * step; t <= range.Max + step * 1e-9; t += step)
        {
            ticks.Add(Math.Round(t / step) * step);
        }

        return ticks;
    }

    private static string Label(double value) => Math.Abs(value) >= 1000 ? value.ToString("0", System.Globalization.CultureInfo.InvariantCulture) : Svg.N(value);
}
