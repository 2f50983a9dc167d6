using System.Globalization;
using Podium.Experiments;
using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Schema;
using Podium.Vision.Augmentation;
using Podium.Vision.Datasets;
using Xunit;

namespace Podium.Experiments.Tests;

/// <summary>The five stages end to end on a tiny shapes dataset, read back from a real SQLite store.</summary>
public sealed class PipelineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static RunSpec Tiny(int epochs = 2) => new()
    {
        Model = "basic_cnn", ModelWidth = 0.25, Padding = "same", Optimizer = "adam", LearningRate = 0.005, BatchSize = 16, Epochs = epochs, Seed = 3,
    };

    private static (ImageDataset Train, ImageDataset Validation) Shapes()
    {
        var (train, validation) = Splits.Stratified(SyntheticShapes.Generate(160, size: 16, classes: 3, seed: 1), 0.25, seed: 2);
        return (train, validation);
    }

    [Fact]
    public void A_run_records_data_network_every_epoch_evaluation_and_artifacts()
    {
        // Given registered data with augmentation and a two-epoch spec
        using var board = Leaderboard.Open(_folder.Path, new TrackerOptions { CaptureSource = false });
        var (train, validation) = Shapes();
        var data = board.RegisterData("shapes", train, validation, new ImageDataGenerator { FeaturewiseCenter = true, HorizontalFlip = true });

        // When it goes through every stage
        using var run = board.StartRun(data, Tiny());
        var row = run.Build().Fit().Evaluate().Outputs();

        // Then the store holds each stage's facts
        var record = board.Tracker.Store.GetRun(run.Run.Id)!;
        Assert.Equal(RunStatus.Finished, record.Info.Status);
        Assert.Equal("basic_cnn", record.Params["model"].Text);
        Assert.Equal("nostop", record.Params["fit_mode"].Text);
        Assert.Equal(16.0, record.Params["batch_size"].Number);
        Assert.Equal(16.0, record.Params["width"].Number);
        var use = Assert.Single(record.Datasets, d => d.Role == "train");
        Assert.Equal(data.Record.Fingerprint, use.Dataset.Fingerprint);
        Assert.Equal("""{"featurewise_center":true,"fill_mode":"nearest","horizontal_flip":true}""", use.Augmentations);
        Assert.Equal(run.Model.Parameters.Sum(p => (long)p.Value.Length), record.Model!.TotalParameters);

        var valAccuracy = board.Tracker.Store.GetMetricHistory(run.Run.Id, "val_accuracy");
        Assert.Equal([1L, 2L], valAccuracy.Select(p => p.Step));
        Assert.Equal(run.History["val_accuracy"], valAccuracy.Select(p => p.Value));
        // The evaluated model is the last epoch's (Keras's default), so evaluation repeats the last validation accuracy.
        Assert.Equal(valAccuracy[^1].Value, record.Metrics["eval_accuracy"].Last, 6);
        Assert.Equal(run.Report!.MacroRoc.Auc, record.Metrics["roc_auc_macro"].Last, 12);
        Assert.Equal(2, record.Metrics["epochs_trained"].Last);
        Assert.InRange(record.Metrics["tracking_seconds"].Last, double.Epsilon, record.Metrics["fit_seconds"].Last);
        Assert.All(train.ClassNames, c => Assert.True(record.Metrics.ContainsKey("precision/" + c)));
        Assert.Contains(record.Metrics.Keys, k => k.StartsWith("gradient_norm/", StringComparison.Ordinal));

        var artifacts = board.Tracker.Store.ListArtifacts(run.Run.Id).Select(a => a.Path).ToHashSet();
        Assert.Subset(artifacts, new HashSet<string>
        {
            "model/summary.txt", "model/graph.dot", "history.csv", "predictions.csv", "weights/best.safetensors", "weights/last.safetensors",
            "charts/learning_curves.svg", "charts/confusion_matrix.svg", "charts/roc_curves.svg",
        });
        using var predictions = new StreamReader(board.Tracker.Store.OpenArtifact(run.Run.Id, "predictions.csv"));
        Assert.Equal(validation.Count + 1, predictions.ReadToEnd().TrimEnd('\n').Split('\n').Length);

        var rank = Assert.Single(row.Rows);
        Assert.Equal(valAccuracy[^1].Value, Convert.ToDouble(rank[row.Columns.ToList().FindIndex(c => c.Name == "val_accuracy")], CultureInfo.InvariantCulture), 6);
    }

    [Fact]
    public void A_cancelled_fit_is_marked_killed_and_keeps_its_data_and_network()
    {
        using var board = Leaderboard.Open(_folder.Path, new TrackerOptions { CaptureSource = false });
        var (train, validation) = Shapes();
        using var run = board.StartRun(board.RegisterData("shapes", train, validation), Tiny());
        run.Build();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => run.Fit(new TrainingOptions { Cancellation = cancel.Token }));

        var record = board.Tracker.Store.GetRun(run.Run.Id)!;
        Assert.Equal(RunStatus.Killed, record.Info.Status);
        Assert.NotNull(record.Model);
        Assert.Equal(2, record.Datasets.Count);
        Assert.Equal("interrupted", record.Tags[RunTags.StopReason]);

        // The library's leaderboard ranks finished runs, as podium board does; a filter on the status shows this one.
        Assert.Empty(board.Table().Runs);
        Assert.Equal(run.Run.Id, Assert.Single(board.Table("attributes.status = 'killed'").Runs).Info.Id);
    }

    [Theory]
    [InlineData("batch_size", "batch_size: must be a positive whole number, got -4")]
    [InlineData("model", "model: unknown model 'resnet50'; the zoo has basic_cnn, vgg16, vgg16_bn, resnet18, alexnet")]
    [InlineData("optimizer", "optimizer: unknown optimizer 'adamw'; use sgd, adam, adagrad, rmsprop")]
    public void A_bad_spec_names_its_field_and_records_nothing(string field, string message)
    {
        using var board = Leaderboard.Open(_folder.Path, new TrackerOptions { CaptureSource = false });
        var (train, validation) = Shapes();
        var spec = field switch
        {
            "batch_size" => Tiny() with { BatchSize = -4 },
            "model" => Tiny() with { Model = "resnet50" },
            _ => Tiny() with { Optimizer = "adamw" },
        };

        var error = Assert.Throws<SpecException>(() => board.StartRun(board.RegisterData("shapes", train, validation), spec));

        Assert.Equal(field, error.Field);
        Assert.Equal(message, error.Message);
        Assert.Empty(board.Tracker.SearchRuns(null));
    }
}
