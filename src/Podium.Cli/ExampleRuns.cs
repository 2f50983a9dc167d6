using System.Security.Cryptography;
using System.Text;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Schema;

namespace Podium.Cli;

/// <summary>
/// Simulated runs shaped like the prototype's grid (SEED.md): same data, same columns, curves
/// that behave like training curves. Every derived number is computed from the simulated ones
/// (macro means from per-class values, F1 from precision and recall), so the table is consistent.
/// </summary>
internal static class ExampleRuns
{
    public const string Experiment = "example (simulated)";

    private static readonly string[] Classes = ["drawings", "engraving", "iconography", "painting", "sculpture"];

    /// <summary>The prototype's grid: two models, three optimizers, two batch sizes.</summary>
    public const int Grid = 12;

    /// <summary>
    /// Writes <paramref name="runs"/> simulated runs: the prototype's grid first, then (past <see cref="Grid"/>) more
    /// models' worth of configurations with sampled learning rates, about one in thirty killed midway and one in a
    /// hundred failed, as a busy store has.
    /// </summary>
    public static int Write(Tracker tracker, ManualClock clock, int seed, int runs = Grid)
    {
        var random = new Random(seed);
        var data = new DatasetRecord(
            "art_data",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("podium example art_data v1"))),
            new Dictionary<string, SplitShape>
            {
                ["train"] = new([7721, 3, 100, 100], [7721]),
                ["validation"] = new([856, 3, 100, 100], [856]),
            },
            Classes,
            "simulated (podium example)");
        const string Augmentations = """{"featurewise_center":true,"featurewise_std_normalization":true,"rotation_range":90,"width_shift_range":0.1,"height_shift_range":0.1,"zoom_range":0.2}""";

        var count = 0;
        foreach (var model in new[] { "basic_cnn", "vgg16" })
        {
            foreach (var optimizer in new[] { "adam", "sgd", "adagrad" })
            {
                foreach (var batch in new[] { 16, 32 })
                {
                    if (count == runs)
                    {
                        return count;
                    }

                    WriteRun(tracker, clock, random, data, Augmentations, model, optimizer, batch, $"{model}-{optimizer}-b{batch}", RunStatus.Finished);
                    count++;
                }
            }
        }

        string[] models = ["basic_cnn", "vgg16"], optimizers = ["adam", "sgd", "adagrad", "rmsprop"];
        int[] batches = [16, 32, 64];
        for (; count < runs; count++)
        {
            var (model, optimizer, batch) = (models[random.Next(models.Length)], optimizers[random.Next(optimizers.Length)], batches[random.Next(batches.Length)]);
            var fate = random.NextDouble();
            var status = fate < 0.01 ? RunStatus.Failed : fate < 0.043 ? RunStatus.Killed : RunStatus.Finished;
            WriteRun(tracker, clock, random, data, Augmentations, model, optimizer, batch, $"{model}-{optimizer}-b{batch}-{count + 1:00000}", status);
        }

        return count;
    }

    private static void WriteRun(Tracker tracker, ManualClock clock, Random random, DatasetRecord data, string augmentations,
        string model, string optimizer, int batch, string name, RunStatus status)
    {
        var seed = random.Next(1, 100_000);
        using var run = tracker.StartRun(Experiment, name, seed);
        run.SetTag(RunTags.Simulated, "true");
        run.LogDataset(data, "train", augmentations);
        run.LogDataset(data, "validation", augmentations);
        const int Epochs = 20;
        run.LogParams(new Dictionary<string, object>
        {
            [RunParams.Model] = model, [RunParams.Optimizer] = optimizer, [RunParams.Loss] = "categorical_crossentropy",
            [RunParams.BatchSize] = batch, [RunParams.Epochs] = Epochs, [RunParams.Patience] = 3, [RunParams.FitMode] = "early",
            [RunParams.Width] = 100, [RunParams.Height] = 100, [RunParams.Channels] = 3,
        });
        run.LogModel(model == "basic_cnn"
            ? new ModelRecord(model, "{\"layers\":\"simulated\"}", 922_565, 922_565, 922_565 * 4, "digraph basic_cnn {}")
            : new ModelRecord(model, "{\"layers\":\"simulated\"}", 14_877_461, 162_773, 14_877_461 * 4, "digraph vgg16 {}"));

        // The ceiling each configuration approaches: VGG's frozen features help, Adam learns fastest.
        var ceiling = (model == "vgg16" ? 0.86 : 0.74) + optimizer switch { "adam" => 0.01, "sgd" => -0.05, _ => -0.02 }
            + (batch == 16 ? 0.005 : 0) + (random.NextDouble() - 0.5) * 0.02;
        var speed = optimizer == "sgd" ? 0.18 : 0.35;
        var best = double.MaxValue;
        var bestEpoch = 0;
        var epochsTrained = 0;
        var wait = 0;
        // A killed run stops after a few epochs, a failed one after its first; neither is evaluated.
        var last = status switch { RunStatus.Killed => 2 + random.Next(6), RunStatus.Failed => 1, _ => Epochs };
        for (var epoch = 1; epoch <= last; epoch++)
        {
            clock.Advance(TimeSpan.FromSeconds((model == "vgg16" ? 95 : 31) * 32.0 / batch + random.NextDouble() * 4));
            var progress = 1 - Math.Exp(-speed * epoch);
            var accuracy = 0.2 + (ceiling + 0.06 - 0.2) * progress + (random.NextDouble() - 0.5) * 0.01;
            var valAccuracy = 0.2 + (ceiling - 0.2) * progress + (random.NextDouble() - 0.5) * 0.02 - Math.Max(0, epoch - 12) * 0.004;
            var loss = 1.6 * Math.Exp(-speed * 1.2 * epoch) + 0.25;
            var valLoss = 1.6 * Math.Exp(-speed * epoch) + 0.35 + Math.Max(0, epoch - 10) * 0.02 + random.NextDouble() * 0.02;
            run.LogMetrics(new Dictionary<string, double>
            {
                [RunMetrics.Loss] = loss, [RunMetrics.Accuracy] = accuracy, [RunMetrics.ValLoss] = valLoss, [RunMetrics.ValAccuracy] = valAccuracy,
                [RunMetrics.LearningRate] = optimizer == "sgd" ? 0.01 : 0.001,
            }, step: epoch, epoch: epoch);
            epochsTrained = epoch;
            if (valLoss < best)
            {
                (best, bestEpoch, wait) = (valLoss, epoch, 0);
            }
            else if (++wait >= 3)
            {
                break;
            }
        }

        if (status != RunStatus.Finished)
        {
            run.SetTag(status == RunStatus.Killed ? RunTags.StopReason : RunTags.Error, status == RunStatus.Killed ? "interrupted" : "simulated: out of memory in epoch 2");
            run.End(status);
            clock.Advance(TimeSpan.FromSeconds(20));
            return;
        }

        // Evaluation of the restored best weights.
        var final = ceiling - 0.01 + random.NextDouble() * 0.01;
        double sumP = 0, sumR = 0, sumF = 0;
        foreach (var label in Classes)
        {
            var p = Math.Clamp(final + (random.NextDouble() - 0.5) * 0.12, 0, 1);
            var r = Math.Clamp(final + (random.NextDouble() - 0.5) * 0.12, 0, 1);
            run.LogMetric(RunMetrics.PrecisionPrefix + label, p, step: bestEpoch);
            run.LogMetric(RunMetrics.RecallPrefix + label, r, step: bestEpoch);
            sumP += p;
            sumR += r;
            sumF += p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        run.LogMetric(RunMetrics.ValAccuracy, final, step: Epochs + 1);
        run.LogMetric(RunMetrics.PrecisionMacro, sumP / Classes.Length);
        run.LogMetric(RunMetrics.RecallMacro, sumR / Classes.Length);
        run.LogMetric(RunMetrics.F1Macro, sumF / Classes.Length);
        run.LogMetric(RunMetrics.RocAucMacro, Math.Min(0.999, 0.5 + final * 0.55));
        run.LogMetric(RunMetrics.EpochsTrained, epochsTrained);
        run.LogMetric(RunMetrics.BestEpoch, bestEpoch);
        run.End(RunStatus.Finished);
        clock.Advance(TimeSpan.FromSeconds(20));
    }
}
