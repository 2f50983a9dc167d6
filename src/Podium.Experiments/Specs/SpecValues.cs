using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Podium.Experiments.Specs;

/// <summary>
/// A spec file read into plain values — mappings (ordered, by key), lists, text, whole numbers, numbers, true/false
/// and null — so each field can be checked and named. YAML 1.2's core schema types plain scalars; quoted ones stay
/// text. JSON is YAML, so the same reader takes both.
/// </summary>
internal static partial class SpecValues
{
    public static Dictionary<string, object?> ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new SpecException("spec", $"no file '{path}'");
        }

        return Read(File.ReadAllText(path), path);
    }

    public static Dictionary<string, object?> Read(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new SpecException("spec", $"{source} is not valid YAML or JSON (line {e.Start.Line}, column {e.Start.Column}): {e.Message}");
        }

        if (stream.Documents.Count == 0 || Convert(stream.Documents[0].RootNode) is not Dictionary<string, object?> root)
        {
            throw new SpecException("spec", $"{source} must hold a mapping of fields, e.g. 'model: basic_cnn'");
        }

        return root;
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(
            pair => pair.Key is YamlScalarNode { Value: { } key } ? key : throw new SpecException("spec", $"a key at line {pair.Key.Start.Line} is not text"),
            pair => Convert(pair.Value),
            StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new SpecException("spec", $"unsupported YAML at line {node.Start.Line}"),
    };

    private static object? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return text;
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ when WholeNumber().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => whole,
            _ when RealNumber().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            ".inf" or "+.inf" => double.PositiveInfinity,
            "-.inf" => double.NegativeInfinity,
            ".nan" => double.NaN,
            _ => text,
        };
    }

    public static string Text(string field, object? value) =>
        value as string ?? throw new SpecException(field, $"expected text, got {Show(value)}");

    public static double Number(string field, object? value) => value switch
    {
        long whole => whole,
        double real => real,
        _ => throw new SpecException(field, $"expected a number, got {Show(value)}"),
    };

    public static int Whole(string field, object? value) => value switch
    {
        long whole when whole is >= int.MinValue and <= int.MaxValue => (int)whole,
        double real when real == Math.Floor(real) && Math.Abs(real) <= int.MaxValue => (int)real,
        _ => throw new SpecException(field, $"expected a whole number, got {Show(value)}"),
    };

    public static bool Flag(string field, object? value) =>
        value as bool? ?? throw new SpecException(field, $"expected true or false, got {Show(value)}");

    public static Dictionary<string, object?> Mapping(string field, object? value) =>
        value as Dictionary<string, object?> ?? throw new SpecException(field, $"expected a mapping of fields, got {Show(value)}");

    public static List<object?> List(string field, object? value) =>
        value as List<object?> ?? throw new SpecException(field, $"expected a list, got {Show(value)}");

    /// <summary>A value as the message shows it: text quoted, numbers as written.</summary>
    public static string Show(object? value) => value switch
    {
        null => "nothing",
        string text => $"'{text}'",
        bool flag => flag ? "true" : "false",
        double real => real.ToString("R", CultureInfo.InvariantCulture),
        long whole => whole.ToString(CultureInfo.InvariantCulture),
        List<object?> => "a list",
        Dictionary<string, object?> => "a mapping",
        _ => value.ToString() ?? "?",
    };

    /// <summary>The one line for a field nobody knows, with the fields that exist.</summary>
    public static SpecException Unknown(string field, IEnumerable<string> known) =>
        new(field, $"unknown field; expected one of {string.Join(", ", known)}");

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex WholeNumber();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex RealNumber();
}
