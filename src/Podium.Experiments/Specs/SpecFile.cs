using System.Text.Json;
using static Podium.Experiments.Specs.SpecValues;

namespace Podium.Experiments.Specs;

/// <summary>A run spec file: the <c>data:</c> section and the run's fields.</summary>
/// <param name="Data">Where the data comes from.</param>
/// <param name="Run">The network, optimizer and fit settings.</param>
public sealed record RunFile(DataSpec Data, RunSpec Run)
{
    /// <summary>Reads a YAML or JSON run spec, checking every field before anything trains.</summary>
    /// <exception cref="SpecException">The first field that is wrong, named.</exception>
    /// <remarks>Relative data paths are resolved against the file's folder, so the spec runs the same from any directory.</remarks>
    public static RunFile Load(string path) => From(ReadFile(path), Path.GetDirectoryName(Path.GetFullPath(path)));

    /// <summary>Reads a run spec from text (YAML or JSON).</summary>
    public static RunFile Parse(string text) => From(Read(text, "the spec"));

    internal static RunFile From(Dictionary<string, object?> fields, string? baseDirectory = null)
    {
        var data = new DataSpec();
        var run = new RunSpec();
        foreach (var (key, value) in fields)
        {
            if (key == "data")
            {
                data = DataSpec.From(Mapping("data", value), baseDirectory);
            }
            else
            {
                run = run.With(key, value);
            }
        }

        run.Validate();
        return new RunFile(data, run);
    }

    /// <summary>The spec as JSON with every field given, so it reads back to the same spec whatever the defaults become.</summary>
    public string ToJson()
    {
        var fields = Run.ToFields();
        fields["data"] = Data.ToFields();
        return JsonSerializer.Serialize(fields, new JsonSerializerOptions { WriteIndented = true });
    }
}
