namespace Podium.Nn.Training.Callbacks;

/// <summary>
/// Keras's EarlyStopping: stops when the monitored value has not improved by more than min_delta for
/// <see cref="Patience"/> epochs; can restore the weights of the best epoch.
/// </summary>
public sealed class EarlyStopping(string monitor = "val_loss", int patience = 0, double minDelta = 0, string mode = "auto", bool restoreBestWeights = false)
    : MonitorCallback(monitor, mode, minDelta)
{
    private int _wait;
    private float[][]? _bestWeights;

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; } = patience;

    /// <summary>Restore the best epoch's weights when training ends.</summary>
    public bool RestoreBestWeights { get; } = restoreBestWeights;

    /// <summary>The epoch training stopped after, 0 when it ran to the end.</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(FitContext context)
    {
        base.OnTrainBegin(context);
        _wait = 0;
        StoppedEpoch = 0;
        _bestWeights = null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (Improved(epoch, logs))
        {
            _wait = 0;
            if (RestoreBestWeights)
            {
                _bestWeights = context.Model.Parameters.Select(p => (float[])p.Value.Data.Clone()).ToArray();
            }

            return;
        }

        _wait++;
        if (_wait >= Patience)
        {
            StoppedEpoch = epoch;
            context.Stop($"early stopping: {Monitor} did not improve for {Patience} epochs after epoch {BestEpoch}");
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(FitContext context)
    {
        if (RestoreBestWeights && _bestWeights is not null)
        {
            var i = 0;
            foreach (var p in context.Model.Parameters)
            {
                _bestWeights[i++].CopyTo(p.Value.Data, 0);
            }
        }
    }
}
