using System.Globalization;
using System.Text;

namespace Podium.Evaluation.Charts;

/// <summary>A minimal SVG writer: every number in invariant culture with fixed precision and every text escaped, so charts are byte-for-byte repeatable.</summary>
internal sealed class Svg
{
    /// <summary>Ten colours that stay distinguishable on white, for series in order.</summary>
    public static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private readonly StringBuilder _body = new();

    public Svg(double width, double height, string title)
    {
        Width = width;
        Height = height;
        _body.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        _body.Append(CultureInfo.InvariantCulture, $"<title>{Escape(title)}</title>\n");
        _body.Append(CultureInfo.InvariantCulture, $"<rect width=\"{N(width)}\" height=\"{N(height)}\" fill=\"#ffffff\"/>\n");
    }

    public double Width { get; }

    public double Height { get; }

    /// <summary>Two decimals at most, no trailing zeros, '.' as separator.</summary>
    public static string N(double value)
    {
        var rounded = Math.Round(value, 2);
        return (rounded == 0 ? 0 : rounded).ToString("0.##", CultureInfo.InvariantCulture); // never "-0"
    }

    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null) =>
        _body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}/>\n");

    public void Rect(double x, double y, double width, double height, string fill, string? stroke = null) =>
        _body.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"{fill}\"{(stroke is null ? "" : $" stroke=\"{stroke}\"")}/>\n");

    public void Text(double x, double y, string text, string anchor = "start", string fill = "#222222", double size = 12, double rotate = 0, string weight = "normal")
    {
        var transform = rotate == 0 ? "" : $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"";
        var bold = weight == "normal" ? "" : $" font-weight=\"{weight}\"";
        _body.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\" fill=\"{fill}\" font-size=\"{N(size)}\"{bold}{transform}>{Escape(text)}</text>\n");
    }

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width = 2, string? dash = null)
    {
        var coordinates = string.Join(' ', points.Select(p => N(p.X) + "," + N(p.Y)));
        _body.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{coordinates}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}/>\n");
    }

    public void Circle(double x, double y, double r, string fill) =>
        _body.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(r)}\" fill=\"{fill}\"/>\n");

    public override string ToString() => _body + "</svg>\n";
}
