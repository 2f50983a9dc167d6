namespace Podium.Nn.Training.Callbacks;

/// <summary>Stops training when a batch's loss is NaN or infinite, naming the epoch and batch.</summary>
public sealed class TerminateOnNaN : Callback
{
    /// <inheritdoc/>
    public override void OnBatchEnd(FitContext context, int epoch, int batch, int batches)
    {
        if (!double.IsFinite(context.BatchLoss))
        {
            context.Stop($"loss became {context.BatchLoss} in epoch {epoch}, batch {batch} of {batches}; training stopped");
        }
    }
}
