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

    [Fact]
    public void Generator_subsets_take_the_first_fraction_as_validation_and_refuse_sorted_data()
    {
        // Interleaved labels 0, 1, 0, 1, …: int(20 · 0.3) = 6 validation samples, the first six.
        var images = new Tensor(Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), 20, 1, 1, 1);
        var mixed = new ImageDataset("mixed", images, Enumerable.Range(0, 20).Select(i => i % 2).ToArray(), ["a", "b"], "test");

        var validation = Splits.KerasGeneratorSubset(mixed, 0.3, validation: true);
        var training = Splits.KerasGeneratorSubset(mixed, 0.3, validation: false);

        Assert.Equal(Enumerable.Range(0, 6).Select(i => (float)i), validation.Images.Data);
        Assert.Equal(14, training.Count);
        var error = Assert.Throws<InvalidDataException>(() => Splits.KerasGeneratorSubset(Sorted(), 0.25, validation: true));
        Assert.Contains("shuffle", error.Message, StringComparison.Ordinal);
        Assert.Equal(7, Splits.KerasGeneratorSubset(Sorted(), 0.25, validation: true, ignoreClassSplit: true).Count);
    }

    [Fact]
    public void Directory_subsets_take_the_first_fraction_of_each_class()
    {
        // Class 0 has 10 files (indices 0–9), class 1 has 20 (10–29): int(10 · 0.25) = 2 and int(20 · 0.25) = 5.
        var validation = Splits.KerasDirectorySubset(Sorted(), 0.25, validation: true);
        var training = Splits.KerasDirectorySubset(Sorted(), 0.25, validation: false);

        Assert.Equal([0f, 1f, 10f, 11f, 12f, 13f, 14f], validation.Images.Data);
        Assert.Equal(23, training.Count);
    }
}
