namespace Podium.Nn.Training.Callbacks;

/// <summary>Keras's ReduceLROnPlateau: multiplies the rate by a factor when the monitored value stops improving for patience epochs.</summary>
public sealed class ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0, string mode = "auto")
    : MonitorCallback(monitor, mode, minDelta)
{
    private int _wait;
    private int _cooling;

    /// <inheritdoc/>
    public override void OnTrainBegin(FitContext context)
    {
        if (factor >= 1)
        {
            throw new ArgumentException("ReduceLROnPlateau's factor must be below 1");
        }

        base.OnTrainBegin(context);
        (_wait, _cooling) = (0, 0);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var improved = Improved(epoch, logs);
        if (_cooling > 0)
        {
            _cooling--;
            _wait = 0;
        }

        if (improved)
        {
            _wait = 0;
        }
        else if (_cooling == 0 && ++_wait >= patience)
        {
            var optimizer = context.Model.Optimizer!;
            optimizer.LearningRate = Math.Max(optimizer.LearningRate * factor, minLearningRate);
            (_cooling, _wait) = (cooldown, 0);
        }
    }
}
