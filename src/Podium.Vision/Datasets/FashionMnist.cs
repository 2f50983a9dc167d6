namespace Podium.Vision.Datasets;

/// <summary>Fashion-MNIST from Debian's dataset-fashion-mnist package.</summary>
public static class FashionMnist
{
    /// <summary>Where Debian installs it.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten classes in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Whether the files are there.</summary>
    public static bool IsInstalled(string folder = DefaultFolder) => File.Exists(Path.Combine(folder, "train-images-idx3-ubyte.gz"));

    /// <summary>The 60,000 training and 10,000 test images.</summary>
    /// <exception cref="FileNotFoundException">The package is not installed; says how to install it.</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string folder = DefaultFolder)
    {
        if (!IsInstalled(folder))
        {
            throw new FileNotFoundException($"Fashion-MNIST is not in '{folder}'; install it with: apt-get install dataset-fashion-mnist");
        }

        return (
            Idx.Load("fashion-mnist-train", Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"), ClassNames),
            Idx.Load("fashion-mnist-test", Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), ClassNames));
    }
}
