using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Training;
using Podium.Nn.Training.Callbacks;
using Podium.Tests;
using Xunit;

namespace Podium.Nn.Tests.Training.Callbacks;

/// <summary>
/// The three callbacks that keep a best-so-far, fed hand-made epoch logs; each expectation is worked by hand from
/// Keras's rules (keras.callbacks.EarlyStopping, ModelCheckpoint and ReduceLROnPlateau).
/// </summary>
public sealed class MonitorCallbackTests
{
    private static readonly Sequential Model = new Sequential("tiny").Add(new Dense(2)).Build([3], seed: 1).Compile(new Sgd(1.0), new MeanSquaredError());

    private static FitContext Context() => new(Model, new History(), new FitOptions());

    /// <summary>Runs a callback over epochs whose logs hold one value each; returns the context.</summary>
    private static FitContext Feed(Callback callback, string name, params double[] values)
    {
        var context = Context();
        callback.OnTrainBegin(context);
        for (var epoch = 1; epoch <= values.Length && !context.StopTraining; epoch++)
        {
            callback.OnEpochEnd(context, epoch, new Dictionary<string, double> { [name] = values[epoch - 1] });
        }

        callback.OnTrainEnd(context);
        return context;
    }

    [Fact]
    public void Early_stopping_counts_only_gains_above_min_delta()
    {
        // auto on val_accuracy is max. best 0.50 (1); 0.54 − 0.05 is not above 0.50: wait 1; 0.56 − 0.05 > 0.50: best (3);
        // 0.57 and 0.58 are not 0.05 above 0.56: wait 1, 2 = patience, stop after epoch 5.
        var stopping = new EarlyStopping("val_accuracy", patience: 2, minDelta: 0.05);

        var context = Feed(stopping, "val_accuracy", 0.50, 0.54, 0.56, 0.57, 0.58, 0.99);

        Assert.True(stopping.Maximize);
        Assert.Equal((3, 0.56, 5), (stopping.BestEpoch, stopping.Best, stopping.StoppedEpoch));
        Assert.Equal("early stopping: val_accuracy did not improve for 2 epochs after epoch 3", context.StopReason);
    }

    [Fact]
    public void A_checkpoint_keeping_the_best_saves_only_strict_improvements()
    {
        using var folder = new TempFolder();
        // auto on val_loss is min, no min_delta: 0.9 (1), 0.8 (2), 0.8 is not better, 0.85 is not, 0.7 (5).
        var checkpoint = new ModelCheckpoint(Path.Combine(folder.Path, "w-{epoch}.safetensors"), saveBestOnly: true);

        Feed(checkpoint, "val_loss", 0.9, 0.8, 0.8, 0.85, 0.7);

        Assert.Equal(["w-1.safetensors", "w-2.safetensors", "w-5.safetensors"], checkpoint.Saved.Select(Path.GetFileName));
        Assert.Equal((5, 0.7), (checkpoint.BestEpoch, checkpoint.Best));
    }

    [Fact]
    public void A_plateau_halves_the_rate_after_patience_and_then_cools_down()
    {
        // min_delta 0.1, patience 2, cooldown 1: best 1.0 (1); 0.95 wait 1; 0.85 best; 0.84 wait 1; 0.83 wait 2: rate 0.5,
        // cooldown; 0.5 cools (wait 0) and is best; 0.49 wait 1; 0.48 wait 2: rate 0.25, cooldown; 0.47 cools, then wait 1.
        var plateau = new ReduceLROnPlateau(factor: 0.5, patience: 2, minDelta: 0.1, cooldown: 1);
        var context = Context();
        Model.Optimizer!.LearningRate = 1.0;
        plateau.OnTrainBegin(context);
        var rates = new List<double>();
        foreach (var (value, epoch) in new[] { 1.0, 0.95, 0.85, 0.84, 0.83, 0.5, 0.49, 0.48, 0.47 }.Select((v, i) => (v, i + 1)))
        {
            plateau.OnEpochEnd(context, epoch, new Dictionary<string, double> { ["val_loss"] = value });
            rates.Add(Model.Optimizer.LearningRate);
        }

        Assert.Equal([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25], rates);
        Assert.Equal(6, plateau.BestEpoch);
    }

    [Fact]
    public void A_missing_log_is_named_with_what_was_logged()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Feed(new EarlyStopping("val_auc"), "val_loss", 0.5));

        Assert.Equal("EarlyStopping monitors 'val_auc', which training did not log; logged: val_loss", error.Message);
    }
}
