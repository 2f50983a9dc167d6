using System.Runtime.CompilerServices;
using System.Text.Json;
using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Serialization;
using Podium.Nn.Training;
using Podium.Nn.Training.Callbacks;
using Xunit;

namespace Podium.Nn.Tests;

public sealed class IntrospectionTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "podium-nn-tests", Guid.NewGuid().ToString("N"));

    public IntrospectionTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Sequential Small() =>
        new Sequential("tiny")
            .Add(new Conv2D(4, 3, padding: Padding.Same, relu: true))
            .Add(new ResidualBlock([new Conv2D(4, 3, padding: Padding.Same), new BatchNorm()]))
            .Add(new GlobalAveragePool2D())
            .Add(new Dense(3))
            .Add(new Softmax())
            .Build([1, 6, 6], seed: 1);

    [Fact]
    public void Architecture_json_has_every_layer_with_config_shape_and_parameters()
    {
        using var json = JsonDocument.Parse(Small().ArchitectureJson());

        var layers = json.RootElement.GetProperty("layers");
        Assert.Equal(["conv2d", "residual_block", "global_average_pooling2d", "dense", "softmax"], layers.EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(3 * 3 * 4 + 4, layers[0].GetProperty("params").GetInt64());
        Assert.Equal("same", layers[0].GetProperty("config").GetProperty("padding").GetString());
        Assert.Equal([4, 6, 6], layers[1].GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("residual_block.body.batch_normalization", layers[1].GetProperty("body")[1].GetProperty("name").GetString());
        // conv 40 + residual (conv 148 + bn 16) + dense 15; bn's 8 moving values are not trainable.
        Assert.Equal(40 + 148 + 16 + 15, json.RootElement.GetProperty("total_params").GetInt64());
        Assert.Equal(40 + 148 + 8 + 15, json.RootElement.GetProperty("trainable_params").GetInt64());
    }

    [Fact]
    public void Dot_graph_matches_snapshot() => Matches(Small().Dot(), "tiny.dot");

    [Fact]
    public void Norms_are_the_l2_norms_of_weights_and_last_gradients()
    {
        var model = new Sequential().Add(new Dense(2)).Build([2], seed: 0).Compile(new Sgd(0), new MeanSquaredError());
        var dense = model.Layers[0];
        new float[] { 3f, 0f, 0f, 4f }.CopyTo(dense.Parameters[0].Value.Data, 0);
        new float[] { 0f, 12f }.CopyTo(dense.Parameters[1].Value.Data, 0);

        // x = (1, 0), target (0, 0): y = (3, 12); d(mse)/dy = 2y/2 = (3, 12); dW = xᵀ·dy, db = dy.
        model.TrainStep(new Tensor([1f, 0f], 1, 2), new Tensor(1, 2));

        var (_, weights, gradients) = Assert.Single(model.Norms());
        Assert.Equal(13.0, weights, 6);
        Assert.Equal(Math.Sqrt(2 * (9 + 144)), gradients, 5);
    }

    [Fact]
    public void Step_schedule_sets_the_rate_each_epoch()
    {
        var (x, y) = SyntheticData.Quadrants(32, 1);
        var model = new Sequential().Add(new Flatten()).Add(new Dense(4)).Add(new Softmax()).Build([1, 8, 8], 0).Compile(new Sgd(1), new CategoricalCrossentropy());

        var history = model.Fit(x, y, new FitOptions { Epochs = 5, BatchSize = 32, Callbacks = [LearningRateScheduler.Step(0.1, 0.5, every: 2)] });

        Assert.Equal([0.1, 0.1, 0.05, 0.05, 0.025], history["learning_rate"]);
    }

    [Fact]
    public void Cosine_schedule_halves_at_the_midpoint_and_reaches_alpha()
    {
        var schedule = LearningRateScheduler.Cosine(0.2, epochs: 10, alpha: 0.1);
        var (x, y) = SyntheticData.Quadrants(16, 1);
        var model = new Sequential().Add(new Flatten()).Add(new Dense(4)).Add(new Softmax()).Build([1, 8, 8], 0).Compile(new Sgd(1), new CategoricalCrossentropy());

        var history = model.Fit(x, y, new FitOptions { Epochs = 11, BatchSize = 16, Callbacks = [schedule] });

        Assert.Equal(0.2, history["learning_rate"][0], 12);
        Assert.Equal(0.2 * (0.9 * 0.5 + 0.1), history["learning_rate"][5], 12);
        Assert.Equal(0.2 * 0.1, history["learning_rate"][10], 12);
    }

    [Fact]
    public void Reduce_on_plateau_cuts_the_rate_after_patience_epochs_without_improvement()
    {
        var (x, y) = SyntheticData.Quadrants(32, 1);
        var model = new Sequential().Add(new Flatten()).Add(new Dense(4)).Add(new Softmax()).Build([1, 8, 8], 0).Compile(new Sgd(1e-9), new CategoricalCrossentropy());

        var history = model.Fit(x, y, new FitOptions
        {
            Epochs = 6, BatchSize = 32, Validation = (x, y), Callbacks = [new ReduceLROnPlateau(factor: 0.5, patience: 2)],
        });

        // Epoch 1 sets the best; epochs 2 and 3 do not improve, so the rate is cut after epoch 3 (seen from
        // epoch 4); the count restarts, and epochs 4 and 5 cut it again (seen in epoch 6).
        Assert.Equal([1e-9, 1e-9, 1e-9, 5e-10, 5e-10, 2.5e-10], history["learning_rate"]);
    }

    [Fact]
    public void Checkpoint_saves_each_epoch_and_the_last_file_holds_the_final_weights()
    {
        var (x, y) = SyntheticData.Quadrants(32, 1);
        var model = new Sequential().Add(new Flatten()).Add(new Dense(4)).Add(new Softmax()).Build([1, 8, 8], 0).Compile(new Adam(0.01), new CategoricalCrossentropy());
        var checkpoint = new ModelCheckpoint(Path.Combine(_folder, "w-{epoch}.safetensors"));

        model.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 8, Callbacks = [checkpoint] });

        Assert.Equal(3, checkpoint.Saved.Count);
        Assert.All(checkpoint.Saved, f => Assert.True(File.Exists(f)));
        var (tensors, metadata) = Safetensors.Read(checkpoint.Saved[^1]);
        Assert.Equal("3", metadata["epoch"]);
        Assert.Equal(model.Parameters.First().Value.Data, tensors["dense.kernel"].Data);
    }

    private static void Matches(string actual, string name, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Expectations", name);
        if (Environment.GetEnvironmentVariable("PODIUM_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"no snapshot {name}; run the tests with PODIUM_UPDATE_SNAPSHOTS=1 to write it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
