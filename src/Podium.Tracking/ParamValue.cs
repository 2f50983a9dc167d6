using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podium.Tracking;

/// <summary>A typed param value: a number, a string, a bool or a JSON document.</summary>
[JsonConverter(typeof(ParamValueJsonConverter))]
public readonly record struct ParamValue
{
    private ParamValue(ParamKind kind, string text, double? number)
    {
        Kind = kind;
        Text = text;
        Number = number;
    }

    /// <summary>The value's type.</summary>
    public ParamKind Kind { get; }

    /// <summary>The canonical text: numbers in round-trip invariant form, bools as true/false, JSON compacted.</summary>
    public string Text { get; }

    /// <summary>The numeric value of a number, otherwise null.</summary>
    public double? Number { get; }

    /// <summary>A number param.</summary>
    public static ParamValue Of(double value) => new(ParamKind.Number, FormatNumber(value), value);

    /// <summary>A string param.</summary>
    public static ParamValue Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ParamKind.String, value, null);
    }

    /// <summary>A bool param.</summary>
    public static ParamValue Of(bool value) => new(ParamKind.Bool, value ? "true" : "false", null);

    /// <summary>A JSON param; the text must be valid JSON and is stored compacted.</summary>
    public static ParamValue OfJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new(ParamKind.Json, JsonSerializer.Serialize(document.RootElement), null);
    }

    /// <summary>Turns a CLR value into a param: numbers, strings, bools, enums (as their name), anything else as JSON.</summary>
    public static ParamValue From(object? value) => value switch
    {
        null => throw new ArgumentNullException(nameof(value), "a param value cannot be null"),
        ParamValue p => p,
        string s => Of(s),
        bool b => Of(b),
        double d => Of(d),
        float f => Of((double)f),
        int i => Of(i),
        long l => Of(l),
        short s16 => Of(s16),
        byte u8 => Of(u8),
        uint u32 => Of(u32),
        ulong u64 => Of(u64),
        decimal m => Of((double)m),
        Enum e => Of(e.ToString()),
        JsonElement j => OfJson(j.GetRawText()),
        _ => new(ParamKind.Json, JsonSerializer.Serialize(value), null),
    };

    /// <summary>Rebuilds a value from its stored kind and canonical text.</summary>
    public static ParamValue FromStored(ParamKind kind, string text) => kind switch
    {
        ParamKind.Number => new(kind, text, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
        _ => new(kind, text, null),
    };

    /// <summary>Reads a value from its kind's name (number, string, bool, json) and its text, checking that the text fits the kind.</summary>
    /// <exception cref="FormatException">An unknown kind, or text that is not of that kind.</exception>
    public static ParamValue Parse(string kind, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return kind switch
        {
            "number" => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? Of(number) : throw new FormatException($"param text '{text}' is not a number"),
            "string" => Of(text),
            "bool" => text is "true" or "false" ? Of(text == "true") : throw new FormatException($"param text '{text}' is not true or false"),
            "json" => IsJson(text) ? OfJson(text) : throw new FormatException($"param text '{text}' is not JSON"),
            _ => throw new FormatException($"param kind '{kind}' is not number, string, bool or json"),
        };
    }

    /// <summary>A kind's name on the wire and in output: number, string, bool, json.</summary>
    public static string KindName(ParamKind kind) => kind switch
    {
        ParamKind.Number => "number",
        ParamKind.String => "string",
        ParamKind.Bool => "bool",
        ParamKind.Json => "json",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Numbers in the shortest text that round-trips, with NaN and ±Inf spelled out.</summary>
    internal static string FormatNumber(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>Implicit conversion from a number.</summary>
    public static implicit operator ParamValue(double value) => Of(value);

    /// <summary>Implicit conversion from a string.</summary>
    public static implicit operator ParamValue(string value) => Of(value);

    /// <summary>Implicit conversion from a bool.</summary>
    public static implicit operator ParamValue(bool value) => Of(value);
}
