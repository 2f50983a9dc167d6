namespace Podium.Nn.Training.Callbacks;

/// <summary>Hooks into training; override what you need.</summary>
public abstract class Callback
{
    /// <summary>Before the first epoch.</summary>
    public virtual void OnTrainBegin(FitContext context)
    {
    }

    /// <summary>Before an epoch (1-based).</summary>
    public virtual void OnEpochBegin(FitContext context, int epoch)
    {
    }

    /// <summary>After each batch (1-based, of batches in the epoch).</summary>
    public virtual void OnBatchEnd(FitContext context, int epoch, int batch, int batches)
    {
    }

    /// <summary>After an epoch, with its logs: loss, accuracy, val_loss, val_accuracy, learning_rate.</summary>
    public virtual void OnEpochEnd(FitContext context, int epoch, IReadOnlyDictionary<string, double> logs)
    {
    }

    /// <summary>After the last epoch, or when training stopped.</summary>
    public virtual void OnTrainEnd(FitContext context)
    {
    }
}
