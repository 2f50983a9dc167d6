using Podium.Nn;

namespace Podium.Vision.Datasets;

/// <summary>Dividing a dataset into training and validation parts.</summary>
public static class Splits
{
    /// <summary>
    /// A stratified, seeded split: each class gives round(fraction · its count) images to validation,
    /// chosen by a seeded shuffle; both parts keep the original order.
    /// </summary>
    public static (ImageDataset Train, ImageDataset Validation) Stratified(ImageDataset data, double validationFraction, long seed)
    {
        if (validationFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "the validation fraction must be between 0 and 1");
        }

        var validation = new bool[data.Count];
        for (var c = 0; c < data.ClassNames.Count; c++)
        {
            var members = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == c).ToArray();
            Rng.For(seed, (ulong)c).Shuffle(members);
            var take = (int)Math.Round(members.Length * validationFraction, MidpointRounding.AwayFromZero);
            foreach (var i in members.AsSpan(0, take))
            {
                validation[i] = true;
            }
        }

        return (Subset(data, data.Name + "-train", i => !validation[i]), Subset(data, data.Name + "-validation", i => validation[i]));
    }

    /// <summary>
    /// Keras's validation_split: the last fraction of the data, before any shuffling, is validation
    /// (split at int(n · (1 − fraction))). Not stratified: sorted data gives a one-class validation set.
    /// </summary>
    public static (ImageDataset Train, ImageDataset Validation) KerasValidationSplit(ImageDataset data, double validationFraction)
    {
        if (validationFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validation_split must be between 0 and 1");
        }

        var splitAt = (int)(data.Count * (1 - validationFraction));
        return (Subset(data, data.Name + "-train", i => i < splitAt), Subset(data, data.Name + "-validation", i => i >= splitAt));
    }

    /// <summary>
    /// Keras's ImageDataGenerator(validation_split=f).flow(x, y, subset=...): the first int(n · f) samples are the
    /// validation subset, the rest training. As in Keras, a split whose two parts hold different sets of classes is
    /// refused (sorted data) unless <paramref name="ignoreClassSplit"/>.
    /// </summary>
    public static ImageDataset KerasGeneratorSubset(ImageDataset data, double validationSplit, bool validation, bool ignoreClassSplit = false)
    {
        if (validationSplit is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validation_split must be between 0 and 1");
        }

        var splitAt = (int)(data.Count * validationSplit);
        if (!ignoreClassSplit && !data.Labels[..splitAt].Distinct().Order().SequenceEqual(data.Labels[splitAt..].Distinct().Order()))
        {
            throw new InvalidDataException("training and validation subsets have different classes after the split; if the data is sorted by label, shuffle it first");
        }

        return validation
            ? Subset(data, data.Name + "-validation", i => i < splitAt)
            : Subset(data, data.Name + "-training", i => i >= splitAt);
    }

    /// <summary>
    /// Keras's flow_from_directory(subset=...) with validation_split=f: within each class, in file order, the first
    /// int(n_class · f) images are the validation subset and the rest training.
    /// </summary>
    public static ImageDataset KerasDirectorySubset(ImageDataset folder, double validationSplit, bool validation)
    {
        if (validationSplit is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "validation_split must be between 0 and 1");
        }

        var inValidation = new bool[folder.Count];
        foreach (var members in Enumerable.Range(0, folder.Count).GroupBy(i => folder.Labels[i]))
        {
            var files = members.ToArray();
            foreach (var i in files.AsSpan(0, (int)(files.Length * validationSplit)))
            {
                inValidation[i] = true;
            }
        }

        return validation
            ? Subset(folder, folder.Name + "-validation", i => inValidation[i])
            : Subset(folder, folder.Name + "-training", i => !inValidation[i]);
    }

    /// <summary>The images whose index passes a test, in order.</summary>
    public static ImageDataset Subset(ImageDataset data, string name, Func<int, bool> keep)
    {
        var indices = Enumerable.Range(0, data.Count).Where(keep).ToArray();
        var per = data.Images.Length / Math.Max(1, data.Count);
        var images = new Tensor([indices.Length, .. data.Images.Shape.AsSpan(1)]);
        for (var k = 0; k < indices.Length; k++)
        {
            data.Images.Data.AsSpan(indices[k] * per, per).CopyTo(images.Data.AsSpan(k * per));
        }

        return new ImageDataset(name, images, indices.Select(i => data.Labels[i]).ToArray(), data.ClassNames, data.Source);
    }
}
