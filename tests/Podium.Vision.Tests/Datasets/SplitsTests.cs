using Podium.Nn;
using Podium.Vision.Datasets;
using Xunit;

namespace Podium.Vision.Tests.Datasets;

public sealed class SplitsTests
{
    /// <summary>30 one-pixel images whose value is their index: 10 of class 0, then 20 of class 1.</summary>
    private static ImageDataset Sorted()
    {
        var images = new Tensor(Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), 30, 1, 1, 1);
        return new ImageDataset("sorted", images, Enumerable.Range(0, 30).Select(i => i < 10 ? 0 : 1).ToArray(), ["a", "b"], "test");
    }

    [Fact]
    public void Stratified_split_keeps_each_class_in_proportion()
    {
        var (train, validation) = Splits.Stratified(Sorted(), 0.25, seed: 7);

        // 10 · 0.25 = 2.5 → 3 and 20 · 0.25 = 5 from the classes.
        Assert.Equal(3, validation.Labels.Count(l => l == 0));
        Assert.Equal(5, validation.Labels.Count(l => l == 1));
        Assert.Equal(22, train.Count);
        var all = train.Images.Data.Concat(validation.Images.Data).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (float)i), all);
        Assert.Equal(train.Images.Data.Order(), train.Images.Data);
    }

    [Fact]
    public void Stratified_split_is_fixed_by_its_seed()
    {
        var (_, first) = Splits.Stratified(Sorted(), 0.25, seed: 7);
        var (_, again) = Splits.Stratified(Sorted(), 0.25, seed: 7);
        var (_, other) = Splits.Stratified(Sorted(), 0.25, seed: 8);

        Assert.Equal(first.Images.Data, again.Images.Data);
        Assert.NotEqual(first.Images.Data, other.Images.Data);
    }

    [Fact]
    public void Keras_validation_split_takes_the_last_fraction_unshuffled()
    {
        // Keras: split_at = int(30 · (1 − 0.25)) = int(22.5) = 22.
        var (train, validation) = Splits.KerasValidationSplit(Sorted(), 0.25);

        Assert.Equal(22, train.Count);
        Assert.Equal(Enumerable.Range(22, 8).Select(i => (float)i), validation.Images.Data);
        Assert.All(validation.Labels, l => Assert.Equal(1, l));
    }
}
