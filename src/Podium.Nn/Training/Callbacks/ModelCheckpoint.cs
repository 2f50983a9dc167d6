using System.Globalization;
using Podium.Nn.Serialization;

namespace Podium.Nn.Training.Callbacks;

/// <summary>
/// Saves the weights as safetensors after each epoch, or only when the monitored value improves.
/// The path may hold {epoch}, e.g. "weights-{epoch}.safetensors".
/// </summary>
public sealed class ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false, string mode = "auto")
    : MonitorCallback(monitor, mode, minDelta: 0)
{
    /// <summary>The epoch last saved, 0 before any.</summary>
    public int SavedEpoch { get; private set; }

    /// <summary>Every file written, in order.</summary>
    public List<string> Saved { get; } = [];

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (saveBestOnly && !Improved(epoch, logs))
        {
            return;
        }

        var file = path.Replace("{epoch}", epoch.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        ModelWeights.Save(context.Model, file, new Dictionary<string, string> { ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture) });
        SavedEpoch = epoch;
        Saved.Add(file);
    }
}
