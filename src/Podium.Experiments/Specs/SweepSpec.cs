using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Podium.Nn;
using Podium.Tracking.Schema;
using static Podium.Experiments.Specs.SpecValues;

namespace Podium.Experiments.Specs;

/// <summary>How a sweep picks its trials.</summary>
public enum SweepMethod
{
    /// <summary>Every combination of the listed values.</summary>
    Grid,

    /// <summary>A number of trials, each drawn from the parameters' distributions.</summary>
    Random,

    /// <summary>Successive halving (scikit-learn's, with epochs as the resource): all candidates get few epochs, the best third gets three times as many, and so on.</summary>
    Halving,
}

/// <summary>
/// A sweep spec file: the data, the fixed fields, and the parameters that vary — in Weights &amp; Biases' shape:
/// <c>method</c>, <c>metric: {name, goal}</c>, and <c>parameters</c>, each <c>{values: […]}</c>, <c>{value: x}</c> or
/// <c>{distribution: uniform | log_uniform_values | log_uniform | int_uniform, min, max}</c>. A value that is a mapping
/// sets several fields together (e.g. a model with its width).
/// </summary>
public sealed class SweepSpec
{
    private static readonly string[] SweepFields = ["name", "method", "metric", "parameters", "trials", "sampler_seed", "halving", "retries", "data"];

    private SweepSpec(string name, DataSpec data, RunSpec fixedFields, SweepMethod method, string metric, bool maximize, IReadOnlyList<SweepParameter> parameters, int? trials, long samplerSeed, int factor, int minEpochs, string canonical)
    {
        (Name, Data, Fixed, Method, Metric, Maximize, Parameters, Trials, SamplerSeed, Factor, MinEpochs) =
            (name, data, fixedFields, method, metric, maximize, parameters, trials, samplerSeed, factor, minEpochs);
        Key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }


    /// <summary>The data every trial uses.</summary>
    public DataSpec Data { get; }

    /// <summary>
    /// How many times a trial is run again after its worker died or lost the store (its lease ran out) before it is
    /// marked failed; 2 unless the spec's <c>retries</c> says otherwise. A trial whose training fails is not retried:
    /// training is deterministic, so it would fail the same way.
    /// </summary>
    public int Retries { get; private init; } = 2;

    /// <summary>The fields every trial shares (and the sweep's name and experiment).</summary>
    public RunSpec Fixed { get; }

    /// <summary>Grid, random or successive halving.</summary>
    public SweepMethod Method { get; }

    /// <summary>The metric that ranks trials (its last value), e.g. val_accuracy.</summary>
    public string Metric { get; }

    /// <summary>Whether a larger <see cref="Metric"/> is better.</summary>
    public bool Maximize { get; }

    /// <summary>The parameters that vary, in the file's order.</summary>
    public IReadOnlyList<SweepParameter> Parameters { get; }

    /// <summary>How many trials random search (or halving from random candidates) draws; null for a grid.</summary>
    public int? Trials { get; }

    /// <summary>Seeds the random draws (trial i's draws depend only on it and i).</summary>
    public long SamplerSeed { get; }

    /// <summary>Halving's factor: each round keeps the best 1/factor with factor times the epochs.</summary>
    public int Factor { get; }

    /// <summary>Halving's first round's epochs.</summary>
    public int MinEpochs { get; }

    /// <summary>Identifies the sweep's trials: the same spec started again finds its finished trials by it. The number of trials is not part of it, so a random sweep can be extended.</summary>
    public string Key { get; }

    /// <summary>The sweep's name (its run's): the spec's <c>name</c>, or the file's.</summary>
    public string Name { get; }

    /// <summary>Reads a YAML or JSON sweep spec, checking every field (and every trial) before anything trains.</summary>
    /// <exception cref="SpecException">The first field that is wrong, named.</exception>
    public static SweepSpec Load(string path, int? trials = null)
    {
        var fields = ReadFile(path);
        if (!fields.ContainsKey("name"))
        {
            fields["name"] = System.IO.Path.GetFileNameWithoutExtension(path);
        }

        return From(fields, trials, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)));
    }

    /// <summary>Reads a sweep spec from text.</summary>
    public static SweepSpec Parse(string text, int? trials = null, string? name = null)
    {
        var fields = Read(text, "the spec");
        if (name is not null && !fields.ContainsKey("name"))
        {
            fields["name"] = name;
        }

        return From(fields, trials);
    }

    internal static SweepSpec From(Dictionary<string, object?> fields, int? trialsOverride, string? baseDirectory = null)
    {
        var data = new DataSpec();
        var run = new RunSpec();
        var name = "sweep";
        var method = SweepMethod.Grid;
        (string Name, bool Maximize) metric = (RunMetrics.ValAccuracy, true);
        var parameters = new List<SweepParameter>();
        int? trials = null;
        long samplerSeed = 0;
        var retries = 2;
        (int Factor, int MinEpochs) halving = (3, 1);
        foreach (var (key, value) in fields)
        {
            switch (key)
            {
                case "data":
                    data = DataSpec.From(Mapping("data", value), baseDirectory);
                    break;
                case "name":
                    name = Text("name", value);
                    break;
                case "method":
                    method = Text("method", value) switch
                    {
                        "grid" => SweepMethod.Grid,
                        "random" => SweepMethod.Random,
                        "halving" => SweepMethod.Halving,
                        var other => throw new SpecException("method", $"unknown method '{other}'; use grid, random or halving"),
                    };
                    break;
                case "metric":
                    metric = ReadMetric(Mapping("metric", value));
                    break;
                case "parameters":
                    parameters.AddRange(Mapping("parameters", value).Select(p => SweepParameter.From(p.Key, p.Value)));
                    break;
                case "trials":
                    trials = Whole("trials", value);
                    break;
                case "sampler_seed":
                    samplerSeed = Whole("sampler_seed", value);
                    break;
                case "halving":
                    halving = ReadHalving(Mapping("halving", value));
                    break;
                case "retries":
                    retries = Whole("retries", value) is >= 0 and var r ? r : throw new SpecException("retries", $"must be 0 or more, got {value}");
                    break;
                default:
                    run = RunSpec.Fields.Contains(key) ? run.With(key, value) : throw Unknown(key, [.. SweepFields, .. RunSpec.Fields.Where(f => f != "name")]);
                    break;
            }
        }

        trials = trialsOverride ?? trials;
        if (trials is <= 0)
        {
            throw new SpecException("trials", $"must be a positive whole number, got {trials}");
        }

        if (method == SweepMethod.Random && trials is null)
        {
            throw new SpecException("trials", "random search needs a number of trials (the spec's 'trials' or --trials)");
        }

        if (parameters.Count == 0)
        {
            throw new SpecException("parameters", "a sweep needs at least one parameter that varies");
        }

        var drawn = parameters.FirstOrDefault(p => p.Distribution is not null);
        if (trials is null && drawn is not null)
        {
            throw new SpecException("parameters." + drawn.Name, $"a {drawn.Distribution} distribution needs random trials; give 'trials' or use 'values'");
        }

        // What a sweep is, not how it runs: the number of trials (a command-line override) and retries leave its key alone.
        var canonical = JsonSerializer.Serialize(fields.Where(p => p.Key is not ("trials" or "retries")).OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        var spec = new SweepSpec(name, data, run, method, metric.Name, metric.Maximize, parameters, trials, samplerSeed, halving.Factor, halving.MinEpochs, canonical) { Retries = retries };
        foreach (var trial in spec.Candidates())
        {
            trial.Spec.Validate();
        }

        return spec;
    }

    /// <summary>The run params the trials vary, in the spec's order: each parameter's field, or the fields of its mappings.</summary>
    public IReadOnlyList<string> Swept => Parameters
        .SelectMany(p => p.Values?.OfType<Dictionary<string, object?>>().SelectMany(m => m.Keys).ToList() is { Count: > 0 } keys ? keys : [p.Name])
        .Distinct(StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// The candidate specs, in a fixed order: the grid's combinations (first parameter slowest), or trial i's draws,
    /// which depend only on <see cref="SamplerSeed"/> and i.
    /// </summary>
    public IReadOnlyList<SweepTrial> Candidates()
    {
        if (Trials is { } count)
        {
            return Enumerable.Range(0, count).Select(i =>
            {
                var rng = Rng.For(SamplerSeed, (ulong)i);
                var spec = Parameters.Aggregate(Fixed, (s, p) => p.Apply(s, p.Draw(rng)));
                return new SweepTrial(i, spec);
            }).ToList();
        }

        IEnumerable<RunSpec> combinations = [Fixed];
        foreach (var parameter in Parameters)
        {
            var p = parameter;
            combinations = combinations.SelectMany(s => p.Values!.Select(v => p.Apply(s, v)));
        }

        return combinations.Select((s, i) => new SweepTrial(i, s)).ToList();
    }

    /// <summary>
    /// Successive halving's rounds, as scikit-learn's HalvingGridSearchCV plans them with epochs as the resource:
    /// round r trains its candidates for min_epochs·factor^r epochs; rounds stop when one candidate is left or the
    /// next round would pass the spec's epochs.
    /// </summary>
    public IReadOnlyList<int> HalvingEpochs(int candidates)
    {
        var possible = 1 + (int)Math.Floor(Math.Log(Math.Max(1, Fixed.Epochs / MinEpochs)) / Math.Log(Factor) + 1e-9);
        var required = 1 + (int)Math.Floor(Math.Log(candidates) / Math.Log(Factor) + 1e-9);
        return Enumerable.Range(0, Math.Min(possible, required)).Select(r => MinEpochs * (int)Math.Pow(Factor, r)).ToList();
    }

    private static (string, bool) ReadMetric(Dictionary<string, object?> fields)
    {
        var name = RunMetrics.ValAccuracy;
        var goal = "maximize";
        foreach (var (key, value) in fields)
        {
            _ = key switch
            {
                "name" => name = Text("metric.name", value),
                "goal" => goal = Text("metric.goal", value) is "maximize" or "minimize" ? (string)value! : throw new SpecException("metric.goal", $"'{value}' is neither maximize nor minimize"),
                _ => throw Unknown("metric." + key, ["name", "goal"]),
            };
        }

        return (name, goal == "maximize");
    }

    private static (int, int) ReadHalving(Dictionary<string, object?> fields)
    {
        var (factor, minEpochs) = (3, 1);
        foreach (var (key, value) in fields)
        {
            _ = key switch
            {
                "factor" => factor = Whole("halving.factor", value) is >= 2 and var f ? f : throw new SpecException("halving.factor", $"must be 2 or more, got {value}"),
                "min_epochs" => minEpochs = Whole("halving.min_epochs", value) is >= 1 and var m ? m : throw new SpecException("halving.min_epochs", $"must be 1 or more, got {value}"),
                _ => throw Unknown("halving." + key, ["factor", "min_epochs"]),
            };
        }

        return (factor, minEpochs);
    }
}

/// <summary>One trial of a sweep: its index among the candidates and its spec.</summary>
/// <param name="Index">0-based, stable across restarts.</param>
/// <param name="Spec">The fixed fields with this trial's values.</param>
public sealed record SweepTrial(int Index, RunSpec Spec);

/// <summary>A parameter of a sweep: a list of values, one value, or a distribution.</summary>
public sealed class SweepParameter
{
    private SweepParameter(string name, IReadOnlyList<object?>? values, string? distribution, double min, double max)
    {
        (Name, Values, Distribution, Min, Max) = (name, values, distribution, min, max);
    }

    /// <summary>The field it sets, or a label when its values are mappings of fields.</summary>
    public string Name { get; }

    /// <summary>The values to choose among; null for a distribution.</summary>
    public IReadOnlyList<object?>? Values { get; }

    /// <summary>uniform, log_uniform_values, log_uniform or int_uniform; null for values.</summary>
    public string? Distribution { get; }

    /// <summary>The distribution's lower bound (an exponent for log_uniform).</summary>
    public double Min { get; }

    /// <summary>The distribution's upper bound (an exponent for log_uniform).</summary>
    public double Max { get; }

    internal static SweepParameter From(string name, object? value)
    {
        var field = "parameters." + name;
        if (value is List<object?> list)
        {
            return Checked(new SweepParameter(name, list, null, 0, 0));
        }

        var spec = Mapping(field, value);
        if (spec.TryGetValue("values", out var values))
        {
            Only(["values"]);
            return Checked(new SweepParameter(name, List(field + ".values", values), null, 0, 0));
        }

        if (spec.TryGetValue("value", out var one))
        {
            Only(["value"]);
            return Checked(new SweepParameter(name, [one], null, 0, 0));
        }

        if (!spec.TryGetValue("distribution", out var kind))
        {
            throw new SpecException(field, "give 'values', 'value', or a 'distribution' with 'min' and 'max'");
        }

        Only(["distribution", "min", "max"]);
        var distribution = Text(field + ".distribution", kind);
        if (distribution is not ("uniform" or "log_uniform_values" or "log_uniform" or "int_uniform"))
        {
            throw new SpecException(field + ".distribution", $"unknown distribution '{distribution}'; use uniform, log_uniform_values, log_uniform or int_uniform");
        }

        var min = Number(field + ".min", spec.GetValueOrDefault("min"));
        var max = Number(field + ".max", spec.GetValueOrDefault("max"));
        if (!(min <= max) || (distribution == "log_uniform_values" && !(min > 0)))
        {
            throw new SpecException(field, $"needs min <= max{(distribution == "log_uniform_values" ? " and min > 0" : "")}, got min {min} and max {max}");
        }

        if (distribution == "int_uniform" && (min != Math.Floor(min) || max != Math.Floor(max)))
        {
            throw new SpecException(field, $"int_uniform needs whole min and max, got {min} and {max}");
        }

        return Checked(new SweepParameter(name, null, distribution, min, max));

        void Only(string[] allowed)
        {
            if (spec.Keys.FirstOrDefault(k => !allowed.Contains(k)) is { } extra)
            {
                throw Unknown(field + "." + extra, allowed);
            }
        }
    }

    private static SweepParameter Checked(SweepParameter parameter)
    {
        if (parameter.Values is { Count: 0 })
        {
            throw new SpecException("parameters." + parameter.Name, "has no values");
        }

        if (parameter.Values is null && !RunSpec.Fields.Contains(parameter.Name))
        {
            throw Unknown("parameters." + parameter.Name, RunSpec.Fields);
        }

        foreach (var value in parameter.Values ?? [])
        {
            _ = parameter.Apply(new RunSpec(), value);
        }

        return parameter;
    }

    /// <summary>Sets this parameter's field (or, for a mapping, each of its fields) to a value.</summary>
    internal RunSpec Apply(RunSpec spec, object? value)
    {
        if (value is Dictionary<string, object?> fields)
        {
            return fields.Aggregate(spec, (s, f) => s.With(f.Key, f.Value));
        }

        if (!RunSpec.Fields.Contains(Name))
        {
            throw Unknown("parameters." + Name, RunSpec.Fields);
        }

        return spec.With(Name, value);
    }

    /// <summary>One draw.</summary>
    internal object? Draw(Rng rng)
    {
        var u = rng.NextDouble();
        return Distribution switch
        {
            null => Values![Math.Min(Values.Count - 1, (int)(u * Values.Count))],
            "uniform" => Min + u * (Max - Min),
            "log_uniform_values" => Math.Exp(Math.Log(Min) + u * (Math.Log(Max) - Math.Log(Min))),
            "log_uniform" => Math.Exp(Min + u * (Max - Min)),
            _ => (long)Math.Min(Max, Math.Floor(Min + u * (Max - Min + 1))),
        };
    }
}
