using Podium.Nn;
using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Vision.Models;
using Xunit;

namespace Podium.Vision.Tests.Models;

public sealed class ModelZooTests
{
    private static long Count(IEnumerable<Module> layers) => layers.SelectMany(l => l.Parameters).Sum(p => (long)p.Value.Length);

    [Fact]
    public void Basic_cnn_on_the_prototypes_input_has_the_hand_counted_parameters()
    {
        // conv 3→32 5×5: 2,432; 32→64: 51,264; 64→128: 204,928. With valid padding the size goes
        // 100 → 96 → 48 → 44 → 22 → 18 → 9, so flatten gives 9·9·128 = 10,368: dense 663,616, then 325.
        var model = ModelZoo.Build("basic_cnn", [3, 100, 100], 5);

        Assert.Equal(922_565, Count(model.Layers));
    }

    [Fact]
    public void Vgg16_convolutional_base_has_keras_published_parameter_count()
    {
        // keras.applications.VGG16(include_top=False) has 14,714,688 parameters.
        var model = ModelZoo.Build("vgg16", [3, 32, 32], 10);

        Assert.Equal(14_714_688, Count(model.Layers.TakeWhile(l => l is not GlobalAveragePool2D)));
        Assert.Equal(13, model.Layers.Count(l => l is Conv2D));
    }

    [Theory]
    [InlineData("basic_cnn", 1, 28, 1.0)]
    [InlineData("vgg16", 3, 32, 0.125)]
    [InlineData("resnet18", 3, 32, 0.125)]
    [InlineData("resnet18", 3, 64, 0.125)]
    [InlineData("alexnet", 3, 32, 0.0625)]
    [InlineData("alexnet", 3, 128, 0.0625)]
    public void Every_model_gives_probabilities_and_trains_a_step(string name, int channels, int size, double width)
    {
        var model = ModelZoo.Build(name, [channels, size, size], 4, new ZooOptions { Width = width, Padding = Padding.Same, Seed = 1 })
            .Compile(new Adam(), new CategoricalCrossentropy());
        var rng = new Rng(2);
        var x = new Tensor(2, channels, size, size);
        for (var i = 0; i < x.Length; i++)
        {
            x.Data[i] = rng.NextFloat();
        }

        var y = new Tensor([1f, 0f, 0f, 0f, 0f, 0f, 1f, 0f], 2, 4);
        var p = model.Predict(x);
        var before = model.Parameters.First().Value.Data.ToArray();

        var (loss, _) = model.TrainStep(x, y);

        Assert.Equal([2, 4], p.Shape);
        Assert.Equal(1f, p.Data.AsSpan(0, 4).ToArray().Sum(), 4);
        Assert.True(double.IsFinite(loss) && loss > 0, $"loss {loss}");
        Assert.NotEqual(before, model.Parameters.First().Value.Data);
    }

    [Fact]
    public void Resnet18_has_eight_residual_blocks_with_three_projections()
    {
        var model = ModelZoo.Build("resnet18", [3, 32, 32], 10, new ZooOptions { Width = 0.25 });
        var blocks = model.Layers.OfType<ResidualBlock>().ToList();

        Assert.Equal(8, blocks.Count);
        Assert.Equal(3, blocks.Count(b => b.Projection.Count > 0));
    }

    [Fact]
    public void An_unknown_model_names_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Build("lenet", [1, 28, 28], 10));

        Assert.Contains("'lenet'", error.Message, StringComparison.Ordinal);
        Assert.Contains("basic_cnn, vgg16, vgg16_bn, resnet18, alexnet", error.Message, StringComparison.Ordinal);
    }
}
