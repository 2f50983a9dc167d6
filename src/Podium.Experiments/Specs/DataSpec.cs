using Podium.Vision.Augmentation;
using Podium.Vision.Datasets;
using static Podium.Experiments.Specs.SpecValues;

namespace Podium.Experiments.Specs;

/// <summary>
/// Where a run's data comes from, as a spec file's <c>data:</c> section says: the built-in shapes, Fashion-MNIST, or a
/// folder with one sub-folder per class; how it splits into training and validation; and the Keras augmentation
/// applied to training.
/// </summary>
public sealed record DataSpec
{
    private static readonly string[] Sources = ["shapes", "fashion-mnist", "folder"];
    private static readonly string[] Fields = ["source", "name", "path", "count", "size", "classes", "channels", "noise", "validation_split", "train_limit", "validation_limit", "seed", "augment"];

    /// <summary>shapes (generated, needs no files), fashion-mnist (Debian's dataset-fashion-mnist) or folder.</summary>
    public string Source { get; init; } = "shapes";

    /// <summary>The dataset's name on the leaderboard; null for the source's.</summary>
    public string? Name { get; init; }

    /// <summary>The folder: the image folder's root, or where Fashion-MNIST is installed.</summary>
    public string? Path { get; init; }

    /// <summary>Images generated (shapes).</summary>
    public int Count { get; init; } = 1000;

    /// <summary>Side in pixels: of generated shapes, or what folder images are resized to.</summary>
    public int Size { get; init; } = 32;

    /// <summary>Shape classes, 2–6 (shapes).</summary>
    public int Classes { get; init; } = 5;

    /// <summary>1 (gray) or 3 (RGB), for shapes and folders.</summary>
    public int Channels { get; init; } = 3;

    /// <summary>Pixel noise of generated shapes.</summary>
    public double Noise { get; init; } = 0.05;

    /// <summary>The stratified share held out for validation (shapes and folders; Fashion-MNIST validates on its test set).</summary>
    public double ValidationSplit { get; init; } = 0.2;

    /// <summary>Keep a stratified sample of this many training images; null keeps all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Keep a stratified sample of this many validation images; null keeps all.</summary>
    public int? ValidationLimit { get; init; }

    /// <summary>Seeds generation, the split and the samples.</summary>
    public long Seed { get; init; }

    /// <summary>Keras ImageDataGenerator settings by their Keras names; empty for none.</summary>
    public IReadOnlyDictionary<string, object?> Augment { get; init; } = new Dictionary<string, object?>();

    /// <summary>The name runs record: <see cref="Name"/>, or the source's.</summary>
    public string DisplayName => Name ?? Source;

    /// <summary>Reads a <c>data:</c> section.</summary>
    internal static DataSpec From(Dictionary<string, object?> fields)
    {
        var spec = new DataSpec();
        foreach (var (key, value) in fields)
        {
            var field = "data." + key;
            spec = key switch
            {
                "source" => spec with { Source = Text(field, value) },
                "name" => spec with { Name = value is null ? null : Text(field, value) },
                "path" => spec with { Path = value is null ? null : Text(field, value) },
                "count" => spec with { Count = Whole(field, value) },
                "size" => spec with { Size = Whole(field, value) },
                "classes" => spec with { Classes = Whole(field, value) },
                "channels" => spec with { Channels = Whole(field, value) },
                "noise" => spec with { Noise = Number(field, value) },
                "validation_split" => spec with { ValidationSplit = Number(field, value) },
                "train_limit" => spec with { TrainLimit = value is null ? null : Whole(field, value) },
                "validation_limit" => spec with { ValidationLimit = value is null ? null : Whole(field, value) },
                "seed" => spec with { Seed = Whole(field, value) },
                "augment" => spec with { Augment = value is null ? new Dictionary<string, object?>() : Mapping(field, value) },
                _ => throw Unknown(field, Fields),
            };
        }

        spec.Validate();
        return spec;
    }

    /// <summary>The section as a spec file writes it, every field given.</summary>
    internal Dictionary<string, object?> ToFields() => new()
    {
        ["source"] = Source, ["name"] = Name, ["path"] = Path, ["count"] = Count, ["size"] = Size, ["classes"] = Classes,
        ["channels"] = Channels, ["noise"] = Noise, ["validation_split"] = ValidationSplit, ["train_limit"] = TrainLimit,
        ["validation_limit"] = ValidationLimit, ["seed"] = Seed, ["augment"] = Augment,
    };

    /// <summary>Checks every field, and that the files are there, before anything loads.</summary>
    /// <exception cref="SpecException">The first field that is wrong, named.</exception>
    public void Validate()
    {
        if (!Sources.Contains(Source))
        {
            throw new SpecException("data.source", $"unknown source '{Source}'; use {string.Join(", ", Sources)}");
        }

        if (Source == "folder" && (Path is null || !Directory.Exists(Path)))
        {
            throw new SpecException("data.path", Path is null ? "a folder source needs a path" : $"no folder '{Path}'");
        }

        if (Source == "fashion-mnist" && !FashionMnist.IsInstalled(Path ?? FashionMnist.DefaultFolder))
        {
            throw new SpecException("data.path", $"Fashion-MNIST is not in '{Path ?? FashionMnist.DefaultFolder}'; install it with: apt-get install dataset-fashion-mnist");
        }

        if (Count < 2)
        {
            throw new SpecException("data.count", $"must be at least 2, got {Count}");
        }

        if (Size < 4)
        {
            throw new SpecException("data.size", $"must be at least 4 pixels, got {Size}");
        }

        if (Classes is < 2 or > 6)
        {
            throw new SpecException("data.classes", $"shapes has 2 to 6 classes, got {Classes}");
        }

        if (Channels is not (1 or 3))
        {
            throw new SpecException("data.channels", $"must be 1 (gray) or 3 (RGB), got {Channels}");
        }

        if (ValidationSplit is <= 0 or >= 1 || double.IsNaN(ValidationSplit))
        {
            throw new SpecException("data.validation_split", $"must be between 0 and 1, got {ValidationSplit}");
        }

        if (TrainLimit is <= 0)
        {
            throw new SpecException("data.train_limit", $"must be a positive whole number, got {TrainLimit}");
        }

        if (ValidationLimit is <= 0)
        {
            throw new SpecException("data.validation_limit", $"must be a positive whole number, got {ValidationLimit}");
        }

        _ = Augmentation();
    }

    /// <summary>Loads (or generates) the data and splits it, ready to register.</summary>
    public (ImageDataset Train, ImageDataset Validation, ImageDataGenerator? Augment) Load()
    {
        Validate();
        var (train, validation) = Source switch
        {
            "fashion-mnist" => FashionMnist.Load(Path ?? FashionMnist.DefaultFolder),
            "folder" => Splits.Stratified(ImageFolder.Load(Path!, Size, Size, Channels, name: DisplayName, cache: true).Data, ValidationSplit, Seed),
            _ => Splits.Stratified(SyntheticShapes.Generate(Count, Size, Classes, Seed, Noise, Channels), ValidationSplit, Seed),
        };
        return (Limit(train, TrainLimit, "data.train_limit"), Limit(validation, ValidationLimit, "data.validation_limit"), Augmentation());
    }

    private ImageDataset Limit(ImageDataset data, int? limit, string field)
    {
        if (limit is not { } keep || keep >= data.Count)
        {
            return data;
        }

        if (keep < data.ClassNames.Count)
        {
            throw new SpecException(field, $"{keep} images cannot hold all {data.ClassNames.Count} classes");
        }

        return Splits.Stratified(data, (double)keep / data.Count, Seed).Validation;
    }

    /// <summary>The augmentation the <c>augment:</c> settings describe, or null for none.</summary>
    /// <exception cref="SpecException">A setting that Keras's ImageDataGenerator does not have, or a value of the wrong kind.</exception>
    public ImageDataGenerator? Augmentation()
    {
        if (Augment.Count == 0)
        {
            return null;
        }

        if (Augment.Keys.FirstOrDefault(k => !AugmentFields.Contains(k)) is { } unknown)
        {
            throw Unknown("data.augment." + unknown, AugmentFields);
        }

        bool On(string key) => Augment.TryGetValue(key, out var v) && Flag("data.augment." + key, v);
        double Real(string key, double otherwise = 0) => Augment.TryGetValue(key, out var v) ? Number("data.augment." + key, v) : otherwise;
        var fill = Augment.TryGetValue("fill_mode", out var f) ? Text("data.augment.fill_mode", f) : "nearest";
        var brightness = Augment.TryGetValue("brightness_range", out var b) && b is not null ? List("data.augment.brightness_range", b) : null;
        if (brightness is { Count: not 2 })
        {
            throw new SpecException("data.augment.brightness_range", "expected two numbers [low, high]");
        }

        return new ImageDataGenerator
        {
            FeaturewiseCenter = On("featurewise_center"),
            SamplewiseCenter = On("samplewise_center"),
            FeaturewiseStdNormalization = On("featurewise_std_normalization"),
            SamplewiseStdNormalization = On("samplewise_std_normalization"),
            ZcaWhitening = On("zca_whitening"),
            ZcaEpsilon = Real("zca_epsilon", 1e-6),
            RotationRange = Real("rotation_range"),
            WidthShiftRange = Real("width_shift_range"),
            HeightShiftRange = Real("height_shift_range"),
            BrightnessRange = brightness is null ? null : (Number("data.augment.brightness_range", brightness[0]), Number("data.augment.brightness_range", brightness[1])),
            ShearRange = Real("shear_range"),
            ZoomRange = Real("zoom_range"),
            ChannelShiftRange = Real("channel_shift_range"),
            FillMode = fill switch
            {
                "nearest" => FillMode.Nearest,
                "constant" => FillMode.Constant,
                "reflect" => FillMode.Reflect,
                "wrap" => FillMode.Wrap,
                _ => throw new SpecException("data.augment.fill_mode", $"'{fill}' is not one of nearest, constant, reflect, wrap"),
            },
            Cval = Real("cval"),
            HorizontalFlip = On("horizontal_flip"),
            VerticalFlip = On("vertical_flip"),
            Rescale = Augment.ContainsKey("rescale") ? Real("rescale") : null,
        };
    }

    private static readonly string[] AugmentFields =
    [
        "featurewise_center", "samplewise_center", "featurewise_std_normalization", "samplewise_std_normalization", "zca_whitening",
        "zca_epsilon", "rotation_range", "width_shift_range", "height_shift_range", "brightness_range", "shear_range", "zoom_range",
        "channel_shift_range", "fill_mode", "cval", "horizontal_flip", "vertical_flip", "rescale",
    ];
}
