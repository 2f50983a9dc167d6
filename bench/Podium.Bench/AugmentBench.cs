using System.Diagnostics;
using Podium.Vision.Augmentation;
using Podium.Vision.Datasets;

/// <summary>Augmentation throughput on one core: the prototype's settings on 100×100×3 images (transform, then standardize).</summary>
internal static class AugmentBench
{
    public static void Run()
    {
        var data = SyntheticShapes.Generate(256, size: 100, seed: 1);
        var generator = new ImageDataGenerator
        {
            FeaturewiseCenter = true, FeaturewiseStdNormalization = true, RotationRange = 90, WidthShiftRange = 0.1, HeightShiftRange = 0.1, ZoomRange = 0.2,
        };
        generator.Fit(data.Images);
        int[] shape = [3, 100, 100];
        var per = 3 * 100 * 100;
        var output = new float[per];
        var images = 0;
        var clock = Stopwatch.StartNew();
        for (var epoch = 0; clock.Elapsed.TotalSeconds < 5; epoch++)
        {
            for (var i = 0; i < data.Count; i++)
            {
                var parameters = generator.RandomTransform(100, 100, seed: 1, epoch, i);
                generator.ApplyTransform(data.Images.Data.AsSpan(i * per, per), output, shape, parameters);
                generator.Standardize(output, shape);
                images++;
            }
        }

        Console.WriteLine($"augment: prototype settings (featurewise centre/std, rotation 90, shifts 0.1, zoom 0.2) on 3x100x100, one thread: {images / clock.Elapsed.TotalSeconds:F0} images/s ({images} images)");
    }
}

/// <summary>ZCA whitening on Fashion-MNIST's 60,000 training images of 784 values: fitting time and whitening throughput.</summary>
internal static class ZcaBench
{
    public static void Run()
    {
        var (train, _) = FashionMnist.Load();
        var generator = new ImageDataGenerator { ZcaWhitening = true, Rescale = 1.0 / 255 };
        var clock = Stopwatch.StartNew();
        generator.Fit(train.Images);
        var fit = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var whitened = generator.Standardized(train.Images);
        Console.WriteLine($"zca: fit on {train.Count} images of 784 values {fit:F1} s; whitening all of them {clock.Elapsed.TotalSeconds:F1} s ({train.Count / clock.Elapsed.TotalSeconds:F0} images/s); checksum {whitened.Data[12345]:F4}");
    }
}
