using System.Security.Cryptography;
using System.Text;
using Podium.Tracking;
using Podium.Vision.Augmentation;
using Podium.Vision.Datasets;

namespace Podium.Experiments;

/// <summary>A dataset registered for runs: its training and validation splits, the augmentation applied to training, and the record the tracker keeps.</summary>
public sealed class RegisteredData
{
    internal RegisteredData(string name, ImageDataset train, ImageDataset validation, ImageDataGenerator? augment, ImageDataset? test = null)
    {
        if (test is not null && (!train.Images.Shape.AsSpan(1).SequenceEqual(test.Images.Shape.AsSpan(1)) || !train.ClassNames.SequenceEqual(test.ClassNames)))
        {
            throw new ArgumentException($"test images {Nn.Tensor.Format(test.Images.Shape)} must be the size of the training images {Nn.Tensor.Format(train.Images.Shape)}, with the same classes");
        }

        if (train.Images.Shape.Length != 4 || !train.Images.Shape.AsSpan(1).SequenceEqual(validation.Images.Shape.AsSpan(1)))
        {
            throw new ArgumentException($"training images {Nn.Tensor.Format(train.Images.Shape)} and validation images {Nn.Tensor.Format(validation.Images.Shape)} must be (n, channels, height, width) of one size");
        }

        if (!train.ClassNames.SequenceEqual(validation.ClassNames))
        {
            throw new ArgumentException("training and validation data must have the same classes");
        }

        Name = name;
        Train = train;
        Validation = validation;
        Augment = augment;
        Test = test;
        // A test split joins the fingerprint only when there is one, so data without one keeps the fingerprint it had.
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(
            train.Fingerprint() + ":" + validation.Fingerprint() + (test is null ? "" : ":" + test.Fingerprint()))));
        var splits = new Dictionary<string, SplitShape> { ["train"] = Shape(train), ["validation"] = Shape(validation) };
        if (test is not null)
        {
            splits["test"] = Shape(test);
        }

        Record = new DatasetRecord(name, fingerprint, splits, train.ClassNames, train.Source);
    }

    /// <summary>The dataset's name.</summary>
    public string Name { get; }

    /// <summary>The training split.</summary>
    public ImageDataset Train { get; }

    /// <summary>The validation split (evaluated after fitting).</summary>
    public ImageDataset Validation { get; }

    /// <summary>The test split, evaluated once after training; null when there is none.</summary>
    public ImageDataset? Test { get; }

    /// <summary>Augmentation of the training split; its feature-wise statistics also standardize validation. Null for none.</summary>
    public ImageDataGenerator? Augment { get; }

    /// <summary>The record every run that uses this data links to.</summary>
    public DatasetRecord Record { get; }

    /// <summary>Input shape (channels, height, width).</summary>
    public int[] InputShape => Train.Images.Shape[1..];

    /// <summary>The augmentation settings really applied, as JSON; null when none.</summary>
    public string? AugmentationsJson => Augment?.ToJson() is { } json && json != "{}" ? json : null;

    private static SplitShape Shape(ImageDataset split) => new(split.Images.Shape.Select(d => (long)d).ToArray(), [split.Count]);
}
