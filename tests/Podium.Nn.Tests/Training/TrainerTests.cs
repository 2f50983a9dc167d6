using Podium.Nn.Optimizers;
using Podium.Nn.Training;
using Podium.Nn.Training.Callbacks;
using Xunit;

namespace Podium.Nn.Tests.Training;

/// <summary>The fit loop: stops asked by callbacks, NaN losses and cancellation.</summary>
public sealed class TrainerTests
{
    [Fact]
    public void Early_stopping_stops_after_patience_epochs_without_improvement_and_restores_the_best()
    {
        var (x, y) = SyntheticData.Quadrants(64, 1);
        // A learning rate of zero: val_loss never improves after the first epoch.
        var model = SequentialTests.SmallCnn(seed: 1, new Sgd(0));
        var stopping = new EarlyStopping("val_loss", patience: 2, restoreBestWeights: true);

        var history = model.Fit(x, y, new FitOptions { Epochs = 10, BatchSize = 16, Validation = (x, y), Callbacks = [stopping] });

        Assert.Equal(3, history.Epochs);
        Assert.Equal(1, stopping.BestEpoch);
        Assert.Contains("did not improve for 2 epochs", history.StopReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nan_loss_stops_training_naming_the_epoch_and_batch()
    {
        var (x, y) = SyntheticData.Quadrants(64, 1);
        x.Data[5] = float.NaN;
        var model = SequentialTests.SmallCnn(seed: 1);

        var history = model.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 16, Shuffle = false, Callbacks = [new TerminateOnNaN()] });

        Assert.Equal("loss became NaN in epoch 1, batch 1 of 4; training stopped", history.StopReason);
        Assert.Equal(1, history.Epochs);
    }

    [Fact]
    public void Cancellation_stops_at_a_batch_boundary_and_keeps_finished_epochs()
    {
        var (x, y) = SyntheticData.Quadrants(64, 1);
        var model = SequentialTests.SmallCnn(seed: 1);
        using var cancel = new CancellationTokenSource();
        var stopper = new CancelAt(cancel, epoch: 2, batch: 2);

        var history = model.Fit(x, y, new FitOptions { Epochs = 5, BatchSize = 16, Callbacks = [stopper], Cancellation = cancel.Token });

        Assert.Equal(1, history.Epochs);
        Assert.Equal("cancelled in epoch 2 before batch 3", history.StopReason);
    }

    private sealed class CancelAt(CancellationTokenSource source, int epoch, int batch) : Callback
    {
        public override void OnBatchEnd(FitContext context, int e, int b, int batches)
        {
            if (e == epoch && b == batch)
            {
                source.Cancel();
            }
        }
    }
}
