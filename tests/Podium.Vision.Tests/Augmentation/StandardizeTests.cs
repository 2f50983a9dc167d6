using System.Text.Json;
using Podium.Nn;
using Podium.Vision.Augmentation;
using Xunit;

namespace Podium.Vision.Tests.Augmentation;

/// <summary>Keras's standardize and fit, checked on values worked by hand.</summary>
public sealed class StandardizeTests
{
    /// <summary>Two images, two channels, 1×2 pixels: channel 0 holds 1, 3 | 5, 7; channel 1 holds 0, 0 | 0, 2.</summary>
    private static Tensor TwoImages() => new([1f, 3f, 0f, 0f, 5f, 7f, 0f, 2f], 2, 2, 1, 2);

    [Fact]
    public void Fit_computes_per_channel_mean_and_population_std()
    {
        var generator = new ImageDataGenerator { FeaturewiseCenter = true, FeaturewiseStdNormalization = true };

        generator.Fit(TwoImages());

        // Channel 0: mean 4, variance (9 + 1 + 1 + 9) / 4 = 5. Channel 1: mean 0.5, variance (3·0.25 + 2.25) / 4 = 0.75.
        Assert.Equal([4f, 0.5f], generator.Mean!);
        Assert.Equal(Math.Sqrt(5), generator.Std![0], 5);
        Assert.Equal(Math.Sqrt(0.75), generator.Std[1], 5);
    }

    [Fact]
    public void Featurewise_standardization_uses_the_fitted_statistics_plus_keras_epsilon()
    {
        var generator = new ImageDataGenerator { FeaturewiseCenter = true, FeaturewiseStdNormalization = true };
        generator.Fit(TwoImages());
        float[] image = [1f, 3f, 0f, 2f];

        generator.Standardize(image, [2, 1, 2]);

        Assert.Equal((1 - 4) / (Math.Sqrt(5) + 1e-6), image[0], 5);
        Assert.Equal((2 - 0.5) / (Math.Sqrt(0.75) + 1e-6), image[3], 5);
    }

    [Fact]
    public void Rescale_comes_before_the_statistics_in_fit_and_in_standardize()
    {
        var generator = new ImageDataGenerator { FeaturewiseCenter = true, Rescale = 0.5 };
        generator.Fit(TwoImages());
        float[] image = [1f, 3f, 0f, 2f];

        generator.Standardize(image, [2, 1, 2]);

        Assert.Equal([2f, 0.25f], generator.Mean!);
        Assert.Equal([0.5f - 2f, 1.5f - 2f, 0f - 0.25f, 1f - 0.25f], image);
    }

    [Fact]
    public void Samplewise_center_and_std_use_the_whole_image()
    {
        var generator = new ImageDataGenerator { SamplewiseCenter = true, SamplewiseStdNormalization = true, Rescale = 2 };
        float[] image = [0.5f, 1f, 1.5f, 2f];

        generator.Standardize(image, [1, 2, 2]);

        // Rescaled to 1, 2, 3, 4; mean 2.5; std √1.25.
        var std = Math.Sqrt(1.25) + 1e-6;
        Assert.Equal(new[] { -1.5, -0.5, 0.5, 1.5 }.Select(v => (float)(v / std)), image);
    }

    [Fact]
    public void The_preprocessing_function_runs_first()
    {
        var generator = new ImageDataGenerator { Rescale = 10, PreprocessingFunction = (image, _) => image[0] += 1 };
        float[] image = [0f];

        generator.Standardize(image, [1, 1, 1]);

        Assert.Equal(10f, image[0]);
    }

    [Fact]
    public void Featurewise_options_without_fit_say_what_to_do()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ImageDataGenerator { FeaturewiseCenter = true }.Standardize(new float[4], [1, 2, 2]));

        Assert.Contains("call Fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_lists_exactly_the_settings_that_are_applied_with_keras_names()
    {
        // The prototype's augmentation.
        var generator = new ImageDataGenerator
        {
            FeaturewiseCenter = true, FeaturewiseStdNormalization = true, RotationRange = 90, WidthShiftRange = 0.1, HeightShiftRange = 0.1, ZoomRange = 0.2,
        };

        using var json = JsonDocument.Parse(generator.ToJson());

        Assert.Equal(
            ["featurewise_center", "featurewise_std_normalization", "rotation_range", "width_shift_range", "height_shift_range", "zoom_range", "fill_mode"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("nearest", json.RootElement.GetProperty("fill_mode").GetString());
        Assert.Equal("{}", new ImageDataGenerator().ToJson());
    }
}
