using System.Globalization;
using System.Text.Json;

namespace Podium.Tracking.Leaderboards;

/// <summary>How values read in text: for people (tables, Markdown, HTML) and exactly (CSV, JSON).</summary>
public static class LeaderboardFormat
{
    /// <summary>
    /// A number for people, by one rule everywhere (tables, Markdown, HTML, the CLI's lines): whole numbers as
    /// integers; otherwise four significant digits without trailing zeros (0.995, 0.9875, 123.5), an exponent below
    /// 0.001 (1.235e-04), and no decimals from 10,000 up; NaN and ±Infinity spelled out.
    /// </summary>
    public static string Number(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ when value == Math.Floor(value) && Math.Abs(value) < 1e15 => value.ToString("F0", CultureInfo.InvariantCulture),
        _ when Math.Abs(value) < 1e-3 => value.ToString("0.###e+00", CultureInfo.InvariantCulture),
        _ when Math.Abs(value) >= 1e4 => value.ToString("F0", CultureInfo.InvariantCulture),
        _ => value.ToString("G4", CultureInfo.InvariantCulture),
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
        PerClassValues p => string.Join(", ", p.Values.Select(c => c.Key + " " + Number(c.Value))),
        JsonElement { ValueKind: JsonValueKind.Object } j when !j.EnumerateObject().Any() => "none",
        JsonElement j => JsonSerializer.Serialize(j),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A cell exactly (CSV, HTML sort keys): numbers in shortest round-trip form, structured values as compact JSON.</summary>
    public static string Exact(object? value) => value switch
    {
        null => "",
        double d => ParamValue.FormatNumber(d),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s => s,
        PerClassValues p => p.ToJson(),
        JsonElement j => JsonSerializer.Serialize(j),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>A value per class (precision or recall), in the training data's class order; JSON writes it as an object.</summary>
/// <param name="Values">Class name and value, in order.</param>
public sealed record PerClassValues(IReadOnlyList<KeyValuePair<string, double>> Values)
{
    /// <summary>The values as a JSON object, numbers in round-trip form (NaN as a string, as JSON has no NaN).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            Write(json);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the values as a JSON object.</summary>
    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        foreach (var (name, value) in Values)
        {
            if (double.IsFinite(value))
            {
                json.WriteNumber(name, value);
            }
            else
            {
                json.WriteString(name, ParamValue.FormatNumber(value));
            }
        }

        json.WriteEndObject();
    }
}
