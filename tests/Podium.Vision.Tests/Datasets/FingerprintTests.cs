using Podium.Nn;
using Podium.Vision.Datasets;
using Xunit;

namespace Podium.Vision.Tests.Datasets;

public sealed class FingerprintTests
{
    private static ImageDataset Make(string name, float first = 0.5f, int label = 1) =>
        new(name, new Tensor([first, 0.25f, 1f, 0f], 2, 1, 1, 2), [label, 0], ["a", "b"], "test:" + name);

    [Fact]
    public void Same_content_under_another_name_and_source_has_the_same_fingerprint() =>
        Assert.Equal(Make("one").Fingerprint(), Make("two").Fingerprint());

    [Fact]
    public void One_pixel_or_one_label_changes_the_fingerprint()
    {
        var original = Make("x").Fingerprint();

        Assert.NotEqual(original, Make("x", first: 0.5000001f).Fingerprint());
        Assert.NotEqual(original, Make("x", label: 0).Fingerprint());
        Assert.Equal(64, original.Length);
    }

    [Fact]
    public void Labels_outside_the_classes_are_refused_naming_the_image()
    {
        var error = Assert.Throws<ArgumentException>(() => new ImageDataset("d", new Tensor(2, 1, 1, 1), [0, 5], ["a", "b"], "t"));

        Assert.Contains("label 5 of image 1", error.Message, StringComparison.Ordinal);
    }
}
