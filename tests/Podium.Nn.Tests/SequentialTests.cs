using Podium.Nn.Kernels;
using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Training;
using Xunit;

namespace Podium.Nn.Tests;

public sealed class SequentialTests
{
    /// <summary>A small CNN on 8×8 single-channel images, 4 classes, compiled with Adam 0.01 unless told otherwise.</summary>
    internal static Sequential SmallCnn(long seed, Optimizer? optimizer = null) =>
        new Sequential("small")
            .Add(new Conv2D(6, 3, padding: Padding.Same, relu: true))
            .Add(new MaxPool2D(2))
            .Add(new Flatten())
            .Add(new Dropout(0.2))
            .Add(new Dense(16, relu: true))
            .Add(new Dense(4))
            .Add(new Softmax())
            .Build([1, 8, 8], seed)
            .Compile(optimizer ?? new Adam(0.01), new CategoricalCrossentropy());

    [Fact]
    public void Learns_a_small_problem_to_near_perfect_accuracy()
    {
        var (x, y) = SyntheticData.Quadrants(512, 1);
        var (vx, vy) = SyntheticData.Quadrants(128, 2);
        var model = SmallCnn(seed: 3);

        var history = model.Fit(x, y, new FitOptions { Epochs = 8, BatchSize = 32, Seed = 4, Validation = (vx, vy) });

        Assert.True(history["val_accuracy"][^1] >= 0.98, $"val_accuracy {history["val_accuracy"][^1]}");
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Assert.Equal(8, history.Epochs);
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights_and_metrics()
    {
        var (x, y) = SyntheticData.Quadrants(200, 5);

        var first = SmallCnn(seed: 9);
        var h1 = first.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 16, Seed = 11 });
        var second = SmallCnn(seed: 9);
        var h2 = second.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 16, Seed = 11 });

        Assert.Equal(h1["loss"], h2["loss"]);
        Assert.Equal(first.Parameters.SelectMany(p => p.Value.Data), second.Parameters.SelectMany(p => p.Value.Data));
    }

    [Fact]
    public void One_and_two_threads_train_bit_identical_weights()
    {
        var (x, y) = SyntheticData.Quadrants(160, 6, size: 16);
        var threads = Gemm.Threads;
        float[] one, two;
        try
        {
            Gemm.Threads = 1;
            var a = SmallCnnOn16(seed: 2);
            a.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 32, Seed = 3 });
            one = a.Parameters.SelectMany(p => p.Value.Data).ToArray();
            Gemm.Threads = 2;
            var b = SmallCnnOn16(seed: 2);
            b.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 32, Seed = 3 });
            two = b.Parameters.SelectMany(p => p.Value.Data).ToArray();
        }
        finally
        {
            Gemm.Threads = threads;
        }

        Assert.Equal(one, two);
    }

    private static Sequential SmallCnnOn16(long seed) =>
        new Sequential()
            .Add(new Conv2D(32, 5, padding: Padding.Same, relu: true))
            .Add(new MaxPool2D(2))
            .Add(new Conv2D(64, 5, padding: Padding.Same, relu: true))
            .Add(new MaxPool2D(2))
            .Add(new Flatten())
            .Add(new Dense(4))
            .Add(new Softmax())
            .Build([1, 16, 16], seed)
            .Compile(new Adam(), new CategoricalCrossentropy());

    [Fact]
    public void Different_seeds_give_different_weights()
    {
        var a = SmallCnn(seed: 1).Parameters.First().Value.Data;
        var b = SmallCnn(seed: 2).Parameters.First().Value.Data;

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Summary_lists_layers_shapes_and_parameter_counts_like_keras()
    {
        // The prototype's basic_cnn on 100×100×3, 5 classes, 'valid' padding; counts worked by hand:
        // conv 3→32 5×5: 2,432; 32→64: 51,264; 64→128: 204,928; dense 10,368→64: 663,616; 64→5: 325.
        var model = new Sequential("basic_cnn")
            .Add(new Conv2D(32, 5, relu: true)).Add(new MaxPool2D(2))
            .Add(new Conv2D(64, 5, relu: true)).Add(new MaxPool2D(2))
            .Add(new Conv2D(128, 5, relu: true)).Add(new MaxPool2D(2))
            .Add(new Flatten()).Add(new Dropout(0.3)).Add(new Dense(64, relu: true)).Add(new Dense(5)).Add(new Softmax())
            .Build([3, 100, 100], seed: 0);

        var summary = model.Summary();

        Assert.Contains("conv2d (Conv2D)", summary, StringComparison.Ordinal);
        Assert.Contains("(None, 32, 96, 96)", summary, StringComparison.Ordinal);
        Assert.Contains("conv2d_2 (Conv2D)", summary, StringComparison.Ordinal);
        Assert.Contains("(None, 10368)", summary, StringComparison.Ordinal);
        Assert.Contains("Total params: 922,565", summary, StringComparison.Ordinal);
        Assert.Contains("Non-trainable params: 0", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Frozen_layers_do_not_change_in_training()
    {
        var (x, y) = SyntheticData.Quadrants(64, 1);
        var model = SmallCnn(seed: 1);
        var frozen = model.Layers[0];
        model.SetTrainable(frozen, false);
        var before = frozen.Parameters.SelectMany(p => p.Value.Data).ToArray();

        model.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 16 });

        Assert.Equal(before, frozen.Parameters.SelectMany(p => p.Value.Data));
        Assert.NotEqual(0, model.Layers[4].Parameters[0].Value.Data.Sum());
    }

    [Fact]
    public void Predict_gives_probabilities_that_sum_to_one()
    {
        var (x, _) = SyntheticData.Quadrants(10, 1);

        var p = SmallCnn(seed: 1).Predict(x, batchSize: 4);

        Assert.Equal([10, 4], p.Shape);
        for (var n = 0; n < 10; n++)
        {
            Assert.Equal(1f, p.Data.AsSpan(n * 4, 4).ToArray().Sum(), 5);
        }
    }

    [Fact]
    public void Wrong_data_shape_is_named_before_training()
    {
        var model = SmallCnn(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => model.Fit(new Tensor(4, 3, 8, 8), new Tensor(4, 4), new FitOptions()));

        Assert.Contains("(4, 3, 8, 8)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(batch, 1, 8, 8)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // C#'s division truncates toward zero, so (1 - 2) / 2 + 1 would claim a 1x1 output for a 2x2 pool on 1x1.
    [InlineData("pool", new[] { 3, 1, 1 }, "a 2x2 pool does not fit input (3, 1, 1)")]
    [InlineData("pool", new[] { 3, 4, 1 }, "a 2x2 pool does not fit input (3, 4, 1)")]
    [InlineData("conv", new[] { 3, 4, 4 }, "a 5x5 kernel does not fit input (3, 4, 4) with valid padding")]
    public void A_layer_that_does_not_fit_its_input_is_named_at_build(string layer, int[] input, string message)
    {
        var model = new Sequential("tiny").Add(layer == "pool" ? new MaxPool2D(2) : new Conv2D(4, 5, stride: 2)).Add(new Flatten());

        var error = Assert.Throws<ArgumentException>(() => model.Build(input, seed: 1));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
