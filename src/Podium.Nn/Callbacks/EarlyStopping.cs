namespace Podium.Nn.Callbacks;

/// <summary>
/// Keras's EarlyStopping: stops when the monitored value has not improved by more than min_delta for
/// <see cref="Patience"/> epochs; can restore the weights of the best epoch.
/// </summary>
public sealed class EarlyStopping(string monitor = "val_loss", int patience = 0, double minDelta = 0, string mode = "auto", bool restoreBestWeights = false) : Callback
{
    private double _best;
    private int _wait;
    private float[][]? _bestWeights;

    /// <summary>The log watched, e.g. val_loss.</summary>
    public string Monitor { get; } = monitor;

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; } = patience;

    /// <summary>The smallest change that counts as improvement.</summary>
    public double MinDelta { get; } = Math.Abs(minDelta);

    /// <summary>Whether larger is better: max, or min; auto picks max for names with acc, else min.</summary>
    public bool Maximize { get; } = Callbacks.Monitor.Maximize(monitor, mode);

    /// <summary>Restore the best epoch's weights when training ends.</summary>
    public bool RestoreBestWeights { get; } = restoreBestWeights;

    /// <summary>The best epoch so far (1-based), 0 before the first.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The epoch training stopped after, 0 when it ran to the end.</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(FitContext context)
    {
        _best = Maximize ? double.NegativeInfinity : double.PositiveInfinity;
        _wait = 0;
        BestEpoch = 0;
        StoppedEpoch = 0;
        _bestWeights = null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var current = Callbacks.Monitor.Read(logs, Monitor, nameof(EarlyStopping));
        var improved = Maximize ? current - MinDelta > _best : current + MinDelta < _best;
        if (improved)
        {
            _best = current;
            BestEpoch = epoch;
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
