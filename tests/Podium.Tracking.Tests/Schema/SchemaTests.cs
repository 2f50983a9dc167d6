using System.Reflection;
using System.Text.RegularExpressions;
using Podium.Tests;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Tracking.Tests.Schema;

/// <summary>
/// The record's vocabulary lives in Podium.Tracking.Schema alone: no reserved tag, metric name or artifact path is
/// written as a literal anywhere else in the projects that record and read runs (Tracking, Experiments, Cli, Server)
/// or in the web UI's scripts, and the UI's schema.js holds exactly the C# values.
/// </summary>
public sealed partial class SchemaTests
{
    private static readonly Type[] Vocabulary = [typeof(RunTags), typeof(RunMetrics), typeof(RunArtifacts)];

    /// <summary>Name prefixes that a literal may not start with either (tag warning.N, per-class and per-layer metrics).</summary>
    private static readonly string[] Prefixes =
        [RunTags.WarningPrefix, RunMetrics.WeightNormPrefix, RunMetrics.GradientNormPrefix, RunMetrics.PrecisionPrefix, RunMetrics.RecallPrefix, RunMetrics.F1Prefix];

    private static IEnumerable<(string Type, string Name, string Value)> Constants() =>
        Vocabulary.SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (t.Name, f.Name, (string)f.GetRawConstantValue()!)));

    [Fact]
    public void No_reserved_name_is_written_outside_the_schema()
    {
        var root = SourceTree.Root;
        var reserved = Constants().Select(c => c.Value).Where(v => v != RunTags.Prefix).ToHashSet(StringComparer.Ordinal);
        var files = new[] { "Podium.Tracking", "Podium.Experiments", "Podium.Cli", "Podium.Server" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(root, "src", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.StartsWith(Path.Combine(root, "src", "Podium.Tracking", "Schema"), StringComparison.Ordinal))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src", "Podium.Server", "web", "app"), "*.js").Where(f => Path.GetFileName(f) != "schema.js"))
            .ToList();
        Assert.True(files.Count > 50, $"only {files.Count} source files found under {root}");

        var found = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (Match literal in Literal().Matches(lines[i]))
                {
                    var text = literal.Groups["text"].Value;
                    if (reserved.Contains(text) || Prefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal)))
                    {
                        found.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {literal.Value}");
                    }
                }
            }
        }

        Assert.True(found.Count == 0, "reserved names written as literals; use Podium.Tracking.Schema (or schema.js):\n" + string.Join('\n', found));
    }

    [Fact]
    public void The_web_ui_schema_holds_the_same_names_as_the_csharp_one()
    {
        var script = File.ReadAllText(Path.Combine(SourceTree.Root, "src", "Podium.Server", "web", "app", "schema.js"));
        var inScript = new HashSet<(string, string, string)>();
        foreach (Match block in ScriptObject().Matches(script))
        {
            foreach (Match member in ScriptMember().Matches(block.Groups["body"].Value))
            {
                inScript.Add((block.Groups["name"].Value, member.Groups["name"].Value, member.Groups["value"].Value));
            }
        }

        var inCode = Constants().Select(c => (c.Type, char.ToLowerInvariant(c.Name[0]) + c.Name[1..], c.Value)).ToHashSet();
        Assert.Equal(inCode.Order(), inScript.Order());
    }

    [Fact]
    public void Every_renamed_tag_moves_under_the_podium_prefix()
    {
        Assert.All(RunTags.Renamed, r => Assert.StartsWith(RunTags.Prefix, r.New, StringComparison.Ordinal));
        Assert.Equal(RunTags.Renamed.Count, RunTags.Renamed.Select(r => r.Old).Distinct().Count());
    }

    // A string in C# ("…", $"…") or JS ("…", '…', `…`); the text up to the first interpolation hole.
    [GeneratedRegex("""(?<q>["'`])(?<text>(?:\\.|(?!\k<q>)[^\\{$])*)""")]
    private static partial Regex Literal();

    [GeneratedRegex(@"export const (?<name>\w+) = Object\.freeze\(\{(?<body>[^}]*)\}\);")]
    private static partial Regex ScriptObject();

    [GeneratedRegex("""(?<name>\w+): "(?<value>[^"]*)",""")]
    private static partial Regex ScriptMember();
}
