namespace Podium.Nn.Training;

/// <summary>What Fit recorded: one value per epoch for each of loss, accuracy, val_loss, val_accuracy, learning_rate.</summary>
public sealed class History
{
    /// <summary>Series by name, one value per finished epoch.</summary>
    public Dictionary<string, List<double>> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Epochs finished.</summary>
    public int Epochs { get; internal set; }

    /// <summary>Why training stopped before the last epoch, or null.</summary>
    public string? StopReason { get; internal set; }

    /// <summary>A series by name, e.g. val_loss.</summary>
    public IReadOnlyList<double> this[string name] => Values[name];

    internal void Add(IReadOnlyDictionary<string, double> logs)
    {
        foreach (var (key, value) in logs)
        {
            if (!Values.TryGetValue(key, out var list))
            {
                Values[key] = list = [];
            }

            list.Add(value);
        }

        Epochs++;
    }
}
