using System.Globalization;

namespace Podium.Tracking.Leaderboards;

/// <summary>How values read in text: for people (tables, Markdown, HTML) and exactly (CSV, JSON).</summary>
public static class LeaderboardFormat
{
    /// <summary>
    /// A number for people: whole numbers as they are, others with four decimals so a column lines up,
    /// tiny ones with three significant digits, large ones rounded; NaN and ±Infinity spelled out.
    /// </summary>
    public static string Number(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ when value == Math.Floor(value) && Math.Abs(value) < 1e15 => value.ToString("F0", CultureInfo.InvariantCulture),
        _ when Math.Abs(value) >= 1000 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ when Math.Abs(value) >= 0.001 => value.ToString("F4", CultureInfo.InvariantCulture),
        _ => value.ToString("G3", CultureInfo.InvariantCulture),
    };

    /// <summary>A duration for people: 12.3s, 4m 05s, 2h 03m.</summary>
    public static string Duration(double seconds) => seconds switch
    {
        < 60 => seconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
        < 3600 => $"{(int)(seconds / 60)}m {(int)(seconds % 60):00}s",
        _ => $"{(int)(seconds / 3600)}h {(int)(seconds % 3600 / 60):00}m",
    };

    /// <summary>A cell for people.</summary>
    public static string Display(object? value, ColumnKind kind) => value switch
    {
        null => "",
        double d when kind == ColumnKind.Seconds => Duration(d),
        double d => Number(d),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A cell exactly: numbers in round-trip form.</summary>
    public static string Exact(object? value) => value switch
    {
        null => "",
        double d => ParamValue.FormatNumber(d),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
