using Podium.Vision.Augmentation;
using Podium.Vision.Datasets;

namespace Podium.Experiments.Specs;

/// <summary>
/// A spec file checked against its data before anything is stored: every field valid, the data loaded, and the network
/// built once for the data's shape. <see cref="Leaderboard.StartRun(PreparedRun, string?, IReadOnlyDictionary{string, string}?)"/>
/// starts it without loading or checking again.
/// </summary>
/// <param name="File">The spec file.</param>
/// <param name="Train">Its training split.</param>
/// <param name="Validation">Its validation split.</param>
/// <param name="Augment">Its augmentation, if any.</param>
/// <param name="Test">Its test split, if any.</param>
public sealed record PreparedRun(RunFile File, ImageDataset Train, ImageDataset Validation, ImageDataGenerator? Augment, ImageDataset? Test = null)
{
    /// <summary>Checks a spec file completely and loads its data; nothing is stored.</summary>
    /// <exception cref="SpecException">A field is wrong, the data cannot be loaded, or the network does not fit it.</exception>
    public static PreparedRun Of(RunFile file)
    {
        file.Run.Validate();
        var data = file.Data.Load();
        file.Run.CheckFits(data.Train.Images.Shape[1..], data.Train.ClassNames.Count);
        return new PreparedRun(file, data.Train, data.Validation, data.Augment, data.Test);
    }
}
