namespace Podium.Tracking;

/// <summary>A dataset as Podium knows it: a name, a content fingerprint, the shapes of its splits and its classes.</summary>
/// <param name="Name">The user's name for the data.</param>
/// <param name="Fingerprint">SHA-256 (hex) over the decoded tensors and labels, so the same data in another file has the same fingerprint.</param>
/// <param name="Splits">The shape of each split's inputs and labels, by split name (train, validation, test).</param>
/// <param name="ClassNames">The class names in label order.</param>
/// <param name="Source">Where the data came from (a path, a package, a generator and its seed).</param>
public sealed record DatasetRecord(
    string Name,
    string Fingerprint,
    IReadOnlyDictionary<string, SplitShape> Splits,
    IReadOnlyList<string> ClassNames,
    string Source);

/// <summary>The shapes of one split.</summary>
/// <param name="X">The input tensor's shape, e.g. [7721, 100, 100, 3].</param>
/// <param name="Y">The label tensor's shape, e.g. [7721].</param>
public sealed record SplitShape(IReadOnlyList<long> X, IReadOnlyList<long> Y)
{
    /// <summary>The shape written as the prototype did: (7721, 100, 100, 3).</summary>
    public static string Format(IReadOnlyList<long> shape) => "(" + string.Join(", ", shape) + ")";
}

/// <summary>A dataset as one run used it: the record, the role and the augmentation really applied.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Role">train, validation or test.</param>
/// <param name="Augmentations">The augmentation settings applied to it in this run, as JSON; null when none.</param>
public sealed record DatasetUse(DatasetRecord Dataset, string Role, string? Augmentations);
