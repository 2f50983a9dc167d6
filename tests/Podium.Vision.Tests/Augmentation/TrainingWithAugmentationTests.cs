using Podium.Nn;
using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Training;
using Podium.Vision.Augmentation;
using Podium.Vision.Datasets;
using Xunit;

namespace Podium.Vision.Tests.Augmentation;

public sealed class TrainingWithAugmentationTests
{
    /// <summary>The prototype's augmentation (SEED.md).</summary>
    private static ImageDataGenerator Prototype() => new()
    {
        FeaturewiseCenter = true, FeaturewiseStdNormalization = true, RotationRange = 90, WidthShiftRange = 0.1, HeightShiftRange = 0.1, ZoomRange = 0.2,
    };

    [Fact]
    public void The_batch_transform_applies_each_samples_own_transform_then_standardizes()
    {
        var data = SyntheticShapes.Generate(6, size: 12, seed: 3);
        var generator = Prototype();
        generator.Fit(data.Images);
        var batch = data.Images.Clone();
        int[] samples = [0, 1, 2, 3, 4, 5];

        generator.ForTraining(seed: 9)(batch, samples, epoch: 4);

        var per = 3 * 12 * 12;
        for (var i = 0; i < 6; i++)
        {
            var expected = new float[per];
            generator.ApplyTransform(data.Images.Data.AsSpan(i * per, per), expected, [3, 12, 12], generator.RandomTransform(12, 12, 9, 4, i));
            generator.Standardize(expected, [3, 12, 12]);
            Assert.Equal(expected, batch.Data.AsSpan(i * per, per).ToArray());
        }
    }

    [Fact]
    public void Training_with_augmentation_repeats_bit_for_bit_and_on_one_or_two_threads()
    {
        var data = SyntheticShapes.Generate(96, size: 16, classes: 3, seed: 1);
        float[] Train(int threads)
        {
            var generator = Prototype();
            generator.Fit(data.Images);
            var model = new Sequential()
                .Add(new Conv2D(4, 3, padding: Padding.Same, relu: true)).Add(new MaxPool2D(2)).Add(new Flatten()).Add(new Dense(3)).Add(new Softmax())
                .Build([3, 16, 16], seed: 2).Compile(new Adam(), new CategoricalCrossentropy());
            var saved = Engine.Threads;
            Engine.Threads = threads;
            try
            {
                model.Fit(data.Images, data.OneHot(), new FitOptions { Epochs = 2, BatchSize = 16, Seed = 3, Transform = generator.ForTraining(seed: 4) });
            }
            finally
            {
                Engine.Threads = saved;
            }

            return model.Parameters.SelectMany(p => p.Value.Data).ToArray();
        }

        var first = Train(2);

        Assert.Equal(first, Train(2));
        Assert.Equal(first, Train(1));
    }

    [Fact]
    public void Validation_data_is_standardized_with_the_training_statistics_and_left_unchanged()
    {
        var train = SyntheticShapes.Generate(40, size: 8, seed: 1);
        var validation = SyntheticShapes.Generate(10, size: 8, seed: 2);
        var generator = Prototype();
        generator.Fit(train.Images);
        var before = validation.Images.Data.ToArray();

        var standardized = generator.Standardized(validation.Images);

        Assert.Equal(before, validation.Images.Data);
        var channel0 = generator.Mean![0];
        Assert.Equal((before[0] - channel0) / (generator.Std![0] + 1e-6f), standardized.Data[0], 5);
    }

    [Fact]
    public void Preparing_the_next_batch_ahead_gives_exactly_what_a_plain_loop_gives()
    {
        var data = SyntheticShapes.Generate(50, size: 12, classes: 3, seed: 5);
        var generator = Prototype();
        generator.Fit(data.Images);
        Sequential Model() => new Sequential()
            .Add(new Conv2D(4, 3, padding: Padding.Same, relu: true)).Add(new Flatten()).Add(new Dense(3)).Add(new Softmax())
            .Build([3, 12, 12], seed: 6).Compile(new Sgd(0.05), new CategoricalCrossentropy());

        // Fit prepares batch b + 1 on a worker thread while batch b trains; no shuffling, so the order is known.
        var fitted = Model();
        fitted.Fit(data.Images, data.OneHot(), new FitOptions { Epochs = 2, BatchSize = 16, Shuffle = false, Transform = generator.ForTraining(seed: 7) });

        // The same by hand: gather, transform, train, one batch after another.
        var manual = Model();
        var transform = generator.ForTraining(seed: 7);
        var (x, y) = (data.Images, data.OneHot());
        var (px, py) = (x.Length / x.Batch, y.Length / y.Batch);
        for (var epoch = 1; epoch <= 2; epoch++)
        {
            for (var start = 0; start < data.Count; start += 16)
            {
                var size = Math.Min(16, data.Count - start);
                var bx = new Tensor(x.Data.AsSpan(start * px, size * px).ToArray(), [size, .. x.Shape[1..]]);
                var by = new Tensor(y.Data.AsSpan(start * py, size * py).ToArray(), size, py);
                transform(bx, Enumerable.Range(start, size).ToArray(), epoch);
                manual.TrainStep(bx, by);
            }
        }

        Assert.Equal(manual.Parameters.SelectMany(p => p.Value.Data), fitted.Parameters.SelectMany(p => p.Value.Data));
    }
}
