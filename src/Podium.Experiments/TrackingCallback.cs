using System.Diagnostics;
using Podium.Nn;
using Podium.Nn.Training;
using Podium.Nn.Training.Callbacks;
using Podium.Tracking;
using Podium.Tracking.Schema;

namespace Podium.Experiments;

/// <summary>
/// Logs each epoch's Keras logs (loss, accuracy, val_loss, val_accuracy, learning_rate) and per-layer weight and
/// gradient norms to a run, and keeps the time that costs, so the overhead of tracking is itself on record.
/// </summary>
internal sealed class TrackingCallback(Run run) : Callback
{
    private readonly Stopwatch _spent = new();

    /// <summary>Time spent computing norms, logging and writing to the store.</summary>
    public TimeSpan Spent => _spent.Elapsed;

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _spent.Start();
        var values = new Dictionary<string, double>(logs, StringComparer.Ordinal);
        foreach (var (layer, weight, gradient) in context.Model.Norms())
        {
            values[RunMetrics.WeightNormPrefix + layer] = weight;
            values[RunMetrics.GradientNormPrefix + layer] = gradient;
        }

        run.LogMetrics(values, step: epoch, epoch: epoch);
        run.Flush();
        _spent.Stop();
    }
}
