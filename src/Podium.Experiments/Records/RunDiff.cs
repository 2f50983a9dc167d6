using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Podium.Tracking;
using Podium.Tracking.Schema;

namespace Podium.Experiments.Records;

/// <summary>One field that differs between runs: its section (params, data, network, metrics), its name, and each run's value.</summary>
/// <param name="Section">params, data, network or metrics.</param>
/// <param name="Key">The field, e.g. optimizer or train.fingerprint.</param>
/// <param name="Values">Each run's value, in the order given; "—" where a run has none.</param>
public sealed record DiffRow(string Section, string Key, IReadOnlyList<string> Values);

/// <summary>What differs between runs: params, data (per role), network and final metrics.</summary>
/// <param name="Runs">The runs compared, in the order given.</param>
/// <param name="Rows">The fields that differ.</param>
/// <param name="Same">How many fields of each section are the same in every run.</param>
/// <param name="NormsDiffering">Per-layer weight and gradient norms that differ (counted, not listed).</param>
public sealed record RunDiff(IReadOnlyList<RunRecord> Runs, IReadOnlyList<DiffRow> Rows, IReadOnlyDictionary<string, int> Same, int NormsDiffering)
{
    private const string Missing = "—";

    /// <summary>Compares runs field by field.</summary>
    public static RunDiff Compute(IReadOnlyList<RunRecord> runs)
    {
        var rows = new List<DiffRow>();
        var same = new Dictionary<string, int>();
        var norms = 0;
        void Section(string section, Func<RunRecord, IReadOnlyDictionary<string, string>> fields)
        {
            var perRun = runs.Select(fields).ToList();
            same[section] = 0;
            foreach (var key in perRun.SelectMany(f => f.Keys).Distinct().Order(StringComparer.Ordinal))
            {
                var values = perRun.Select(f => f.GetValueOrDefault(key) ?? Missing).ToList();
                if (values.Distinct().Count() == 1)
                {
                    same[section]++;
                }
                else if (key.StartsWith(RunMetrics.WeightNormPrefix, StringComparison.Ordinal) || key.StartsWith(RunMetrics.GradientNormPrefix, StringComparison.Ordinal))
                {
                    norms++;
                }
                else
                {
                    rows.Add(new DiffRow(section, key, values));
                }
            }
        }

        Section("params", r => r.Params.ToDictionary(p => p.Key, p => p.Value.Text));
        Section("data", Data);
        Section("network", r => r.Model is not { } m ? new Dictionary<string, string>() : new Dictionary<string, string>
        {
            ["model"] = m.Name,
            ["parameters"] = m.TotalParameters.ToString("N0", CultureInfo.InvariantCulture),
            ["trainable"] = m.TrainableParameters.ToString("N0", CultureInfo.InvariantCulture),
            ["architecture"] = Hash(m.ArchitectureJson),
        });
        Section("metrics", r => r.Metrics.Where(m => !Reproduction.TimingMetrics.Contains(m.Key)).ToDictionary(m => m.Key, m => m.Value.Last.ToString("0.####", CultureInfo.InvariantCulture)));
        return new RunDiff(runs, rows, same, norms);
    }

    private static Dictionary<string, string> Data(RunRecord run)
    {
        var fields = new Dictionary<string, string>();
        foreach (var use in run.Datasets)
        {
            fields[use.Role + ".name"] = use.Dataset.Name;
            fields[use.Role + ".fingerprint"] = use.Dataset.Fingerprint[..12];
            fields[use.Role + ".augmentations"] = use.Augmentations ?? "none";
        }

        return fields;
    }

    /// <summary>A short content hash: two architectures are the same exactly when it is.</summary>
    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}
