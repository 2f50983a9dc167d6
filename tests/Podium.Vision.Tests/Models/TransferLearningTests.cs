using Podium.Nn;
using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Serialization;
using Podium.Nn.Training;
using Podium.Tests;
using Podium.Vision.Datasets;
using Podium.Vision.Models;
using Xunit;

namespace Podium.Vision.Tests.Models;

/// <summary>Transfer with Podium's own weights (ImageNet's cannot be downloaded here): pre-train, save, fine-tune a new head on a frozen base.</summary>
public sealed class TransferLearningTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_frozen_base_keeps_its_pretrained_weights_while_a_new_head_learns_another_task()
    {
        // Given basic_cnn pre-trained on 3 shape classes and saved
        var options = new ZooOptions { Width = 0.25, Padding = Padding.Same, Seed = 1 };
        var source = SyntheticShapes.Generate(600, size: 24, classes: 3, seed: 1);
        var pretrained = ModelZoo.Build("basic_cnn", [3, 24, 24], 3, options).Compile(new Adam(0.005), new CategoricalCrossentropy());
        pretrained.Fit(source.Images, source.OneHot(), new FitOptions { Epochs = 4, BatchSize = 32, Seed = 2 });
        var weights = _folder.File("pretrained.safetensors");
        ModelWeights.Save(pretrained, weights);

        // When a 5-class model is built from those weights with its base frozen, and fine-tuned
        var (train, validation) = Splits.Stratified(SyntheticShapes.Generate(1000, size: 24, classes: 5, seed: 7), 0.2, seed: 3);
        var model = ModelZoo.Build("basic_cnn", [3, 24, 24], 5, new ZooOptions { Width = 0.25, Padding = Padding.Same, Seed = 9, Weights = weights, FreezeBase = true })
            .Compile(new Adam(0.005), new CategoricalCrossentropy());
        var baseLayers = model.Layers.TakeWhile(l => l is not Dense).Where(l => l.Parameters.Count > 0).ToList();
        var loaded = baseLayers.SelectMany(l => l.Parameters).Select(p => p.Value.Data.ToArray()).ToList();
        var history = model.Fit(train.Images, train.OneHot(), new FitOptions
        {
            Epochs = 4, BatchSize = 32, Seed = 4, Validation = (validation.Images, validation.OneHot()),
        });

        // Then the base is exactly the pre-trained one, the head learned, and the summary counts the frozen weights
        var pretrainedBase = pretrained.Layers.TakeWhile(l => l is not Dense).SelectMany(l => l.Parameters).Select(p => p.Value.Data).ToList();
        Assert.Equal(pretrainedBase, loaded);
        Assert.Equal(loaded, baseLayers.SelectMany(l => l.Parameters).Select(p => p.Value.Data));
        Assert.True(history["val_accuracy"][^1] > 0.5, $"val_accuracy {history["val_accuracy"][^1]}");
        Assert.Contains($"Non-trainable params: {loaded.Sum(a => a.Length):N0}", model.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Loading_skips_a_head_of_another_shape_but_refuses_it_unless_asked()
    {
        var path = _folder.File("three.safetensors");
        ModelWeights.Save(ModelZoo.Build("basic_cnn", [1, 28, 28], 3, new ZooOptions { Width = 0.25, Padding = Padding.Same }), path);
        var five = ModelZoo.Build("basic_cnn", [1, 28, 28], 5, new ZooOptions { Width = 0.25, Padding = Padding.Same });

        Assert.Throws<InvalidDataException>(() => ModelWeights.Load(five, path, strict: false));
        var loaded = ModelWeights.Load(five, path, strict: false, skipMismatch: true);

        Assert.DoesNotContain("dense_1.kernel", loaded);
        Assert.Contains("conv2d.kernel", loaded);
    }
}
