namespace Podium.Nn.Training.Callbacks;

/// <summary>Sets the learning rate at the start of each epoch from a schedule of (epoch from 0, current rate).</summary>
public sealed class LearningRateScheduler(Func<int, double, double> schedule) : Callback
{
    /// <summary>Multiplies the rate by <paramref name="factor"/> every <paramref name="every"/> epochs.</summary>
    public static LearningRateScheduler Step(double initial, double factor, int every) =>
        new((epoch, _) => initial * Math.Pow(factor, epoch / every));

    /// <summary>initial · rate^(epoch / decayEpochs), continuous.</summary>
    public static LearningRateScheduler Exponential(double initial, double rate, double decayEpochs) =>
        new((epoch, _) => initial * Math.Pow(rate, epoch / decayEpochs));

    /// <summary>Cosine decay from initial to initial·alpha over a number of epochs (Keras's CosineDecay, per epoch).</summary>
    public static LearningRateScheduler Cosine(double initial, int epochs, double alpha = 0) =>
        new((epoch, _) =>
        {
            var progress = Math.Min(epoch, epochs) / (double)epochs;
            var cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
            return initial * ((1 - alpha) * cosine + alpha);
        });

    /// <inheritdoc/>
    public override void OnEpochBegin(FitContext context, int epoch)
    {
        var optimizer = context.Model.Optimizer!;
        optimizer.LearningRate = schedule(epoch - 1, optimizer.LearningRate);
    }
}
