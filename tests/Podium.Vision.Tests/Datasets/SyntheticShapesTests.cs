using Podium.Nn;
using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Training;
using Podium.Vision.Datasets;
using Xunit;

namespace Podium.Vision.Tests.Datasets;

public sealed class SyntheticShapesTests
{
    [Fact]
    public void The_same_seed_gives_the_same_images_and_image_i_does_not_depend_on_the_count()
    {
        var a = SyntheticShapes.Generate(20, size: 16, seed: 3);
        var b = SyntheticShapes.Generate(20, size: 16, seed: 3);
        var fewer = SyntheticShapes.Generate(10, size: 16, seed: 3);
        var other = SyntheticShapes.Generate(20, size: 16, seed: 4);

        Assert.Equal(a.Fingerprint(), b.Fingerprint());
        Assert.Equal(a.Images.Data.AsSpan(0, fewer.Images.Length).ToArray(), fewer.Images.Data);
        Assert.NotEqual(a.Fingerprint(), other.Fingerprint());
    }

    [Fact]
    public void Classes_are_balanced_and_values_stay_in_unit_range()
    {
        var data = SyntheticShapes.Generate(60, size: 16, classes: 6, seed: 1, noise: 0.3);

        Assert.All(data.Labels.GroupBy(l => l), g => Assert.Equal(10, g.Count()));
        Assert.Equal(["circle", "square", "triangle", "cross", "ring", "diamond"], data.ClassNames);
        Assert.InRange(data.Images.Data.Min(), 0f, 1f);
        Assert.InRange(data.Images.Data.Max(), 0f, 1f);
    }

    [Fact]
    public void Without_noise_each_image_is_one_shape_colour_on_one_background_colour()
    {
        const int Size = 16;
        var data = SyntheticShapes.Generate(12, size: Size, seed: 2, noise: 0);

        for (var n = 0; n < data.Count; n++)
        {
            var colours = new HashSet<(float, float, float)>();
            for (var p = 0; p < Size * Size; p++)
            {
                var at = n * 3 * Size * Size + p;
                colours.Add((data.Images.Data[at], data.Images.Data[at + Size * Size], data.Images.Data[at + 2 * Size * Size]));
            }

            Assert.Equal(2, colours.Count);
        }
    }

    [Theory]
    // shape, u, v, inside — worked by hand from each shape's definition (radius 1, v pointing down)
    [InlineData(0, 0.7f, 0.7f, true)]     // circle: 0.98 ≤ 1
    [InlineData(0, 0.72f, 0.72f, false)]  // circle: 1.037 > 1
    [InlineData(1, 0.79f, -0.79f, true)]  // square of half-side 0.8
    [InlineData(1, 0.81f, 0f, false)]
    [InlineData(2, 0f, 0f, true)]         // triangle: v ≤ 0.5 and √3|u| ≤ v + 1
    [InlineData(2, 0f, 0.6f, false)]      // below the base
    [InlineData(2, 0.8f, 0.4f, true)]     // √3·0.8 = 1.386 ≤ 1.4
    [InlineData(2, 0.9f, 0.4f, false)]    // √3·0.9 = 1.559 > 1.4
    [InlineData(2, 0.1f, -0.95f, false)]  // next to the apex: 0.173 > 0.05
    [InlineData(3, 0.9f, 0.2f, true)]     // cross: arm of half-width 0.3
    [InlineData(3, 0.5f, 0.5f, false)]
    [InlineData(4, 0f, 0.5f, false)]      // ring: 0.25 < 0.4, the hole
    [InlineData(4, 0f, 0.8f, true)]
    [InlineData(5, 0.5f, 0.49f, true)]    // diamond: |u| + |v| ≤ 1
    [InlineData(5, 0.5f, 0.51f, false)]
    public void Shapes_contain_exactly_the_points_their_definitions_say(int shape, float u, float v, bool inside) =>
        Assert.Equal(inside, SyntheticShapes.Inside(shape, u, v));

    [Fact]
    public void A_small_cnn_learns_to_tell_the_shapes_apart()
    {
        var (train, validation) = Splits.Stratified(SyntheticShapes.Generate(1500, size: 24, classes: 3, seed: 5), 0.2, seed: 1);
        var model = new Sequential()
            .Add(new Conv2D(8, 3, padding: Padding.Same, relu: true)).Add(new MaxPool2D(2))
            .Add(new Conv2D(16, 3, padding: Padding.Same, relu: true)).Add(new MaxPool2D(2))
            .Add(new Flatten()).Add(new Dense(32, relu: true)).Add(new Dense(3)).Add(new Softmax())
            .Build([3, 24, 24], seed: 2)
            .Compile(new Adam(0.005), new CategoricalCrossentropy());

        var history = model.Fit(train.Images, train.OneHot(), new FitOptions
        {
            Epochs = 10, BatchSize = 32, Seed = 3, Validation = (validation.Images, validation.OneHot()),
        });

        Assert.True(history["val_accuracy"].Max() >= 0.9, $"val_accuracy by epoch: {string.Join(", ", history["val_accuracy"].Select(v => v.ToString("F3")))}; loss {string.Join(", ", history["loss"].Select(v => v.ToString("F3")))}");
    }
}
