using Podium.Vision.Augmentation;
using Podium.Vision.Datasets;
using Podium.Vision.Images;
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
    private static readonly string[] Fields =
        ["source", "name", "path", "train_path", "validation_path", "test_path", "count", "size", "classes", "channels", "noise", "validation_split", "train_limit", "validation_limit", "seed", "augment"];

    /// <summary>The fields each source reads; a spec giving another (other than at its default) is refused, so a typo'd intent is not ignored.</summary>
    private static readonly Dictionary<string, string[]> Applies = new()
    {
        ["shapes"] = ["source", "name", "count", "size", "classes", "channels", "noise", "validation_split", "train_limit", "validation_limit", "seed", "augment"],
        ["fashion-mnist"] = ["source", "name", "path", "train_limit", "validation_limit", "seed", "augment"],
        ["folder"] = ["source", "name", "path", "train_path", "validation_path", "test_path", "size", "channels", "validation_split", "train_limit", "validation_limit", "seed", "augment"],
    };

    /// <summary>shapes (generated, needs no files), fashion-mnist (Debian's dataset-fashion-mnist) or folder.</summary>
    public string Source { get; init; } = "shapes";

    /// <summary>The dataset's name on the leaderboard; null for the source's.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The folder: for a folder source, a folder of class folders, or one holding <c>train/</c>, <c>validation/</c>
    /// (or <c>val/</c>) and <c>test/</c> class folders; for Fashion-MNIST, where it is installed. Relative paths are
    /// resolved against the spec file's folder and recorded whole.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>A folder source's training class folders, when not under <see cref="Path"/>.</summary>
    public string? TrainPath { get; init; }

    /// <summary>A folder source's validation class folders; without one, <see cref="ValidationSplit"/> of training is held out.</summary>
    public string? ValidationPath { get; init; }

    /// <summary>A folder source's test class folders, evaluated once after training (test_* metrics).</summary>
    public string? TestPath { get; init; }

    /// <summary>Images generated (shapes).</summary>
    public int Count { get; init; } = 1000;

    /// <summary>
    /// Side in pixels: of generated shapes (32 when not given), or what folder images are resized to (when not given,
    /// folder images keep their own size, which must then be one size for all).
    /// </summary>
    public int? Size { get; init; }

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

    /// <summary>The name runs record: <see cref="Name"/>; else a folder source's folder name; else the source's.</summary>
    public string DisplayName => Name ?? (Source == "folder" ? FolderName() : null) ?? Source;

    /// <summary>Reads a <c>data:</c> section; relative paths are taken from <paramref name="baseDirectory"/> (the spec file's folder; null for the current one).</summary>
    internal static DataSpec From(Dictionary<string, object?> fields, string? baseDirectory = null)
    {
        var spec = new DataSpec();
        string? Folder(string field, object? value) =>
            value is null ? null : System.IO.Path.GetFullPath(Text(field, value), baseDirectory ?? Directory.GetCurrentDirectory());
        foreach (var (key, value) in fields)
        {
            var field = "data." + key;
            spec = key switch
            {
                "source" => spec with { Source = Text(field, value) },
                "name" => spec with { Name = value is null ? null : Text(field, value) },
                "path" => spec with { Path = Folder(field, value) },
                "train_path" => spec with { TrainPath = Folder(field, value) },
                "validation_path" or "val_path" => spec with { ValidationPath = Folder(field, value) },
                "test_path" => spec with { TestPath = Folder(field, value) },
                "count" => spec with { Count = Whole(field, value) },
                "size" => spec with { Size = value is null ? null : Whole(field, value) },
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

        // A field the source does not read is refused, unless it holds the default: specs recorded before sources
        // had their own fields carry every field, at the defaults.
        if (Applies.TryGetValue(spec.Source, out var applies))
        {
            var defaults = new DataSpec { Source = spec.Source }.AllFields();
            var given = spec.AllFields();
            foreach (var key in fields.Keys.Select(k => k == "val_path" ? "validation_path" : k).Where(k => !applies.Contains(k)))
            {
                if (given.TryGetValue(key, out var value) && !Equals(value, defaults[key]) && !(key == "augment" && spec.Augment.Count == 0))
                {
                    var readers = Applies.Where(a => a.Value.Contains(key)).Select(a => a.Key).ToList();
                    throw new SpecException("data." + key, $"source {spec.Source} does not use it{(readers.Count > 0 ? $" (only {string.Join(" and ", readers)} does)" : "")}; remove it");
                }
            }
        }

        spec.Validate();
        return spec;
    }

    /// <summary>The section as a spec file writes it: every field its source reads (so it reads back to the same data whatever the defaults become), paths whole.</summary>
    internal Dictionary<string, object?> ToFields()
    {
        var all = AllFields();
        var applies = Applies.GetValueOrDefault(Source) ?? Fields;
        return all.Where(f => applies.Contains(f.Key) && (f.Value is not null || f.Key is "name" or "size" or "train_limit" or "validation_limit"))
            .Where(f => !(Source == "folder" && f.Key is "validation_split" && Roots().Validation is not null))
            .ToDictionary(f => f.Key, f => f.Value);
    }

    private Dictionary<string, object?> AllFields() => new()
    {
        ["source"] = Source, ["name"] = Name, ["path"] = Path, ["train_path"] = TrainPath, ["validation_path"] = ValidationPath,
        ["test_path"] = TestPath, ["count"] = Count, ["size"] = Size, ["classes"] = Classes, ["channels"] = Channels, ["noise"] = Noise,
        ["validation_split"] = ValidationSplit, ["train_limit"] = TrainLimit, ["validation_limit"] = ValidationLimit, ["seed"] = Seed,
        ["augment"] = Augment,
    };

    /// <summary>
    /// A folder source's class-folder roots: explicit paths first; else under <see cref="Path"/>, train/, validation/
    /// (or val/) and test/ when it has train/; else <see cref="Path"/> itself for training.
    /// </summary>
    public (string? Train, string? Validation, string? Test) Roots()
    {
        string? Under(params string[] names) => Path is null ? null
            : names.Select(n => System.IO.Path.Combine(Path, n)).FirstOrDefault(Directory.Exists);
        var split = Path is not null && Under("train") is not null;
        return (
            TrainPath ?? (split ? Under("train") : Path),
            ValidationPath ?? (split ? Under("validation", "val") : null),
            TestPath ?? (split ? Under("test") : null));
    }

    /// <summary>A folder source's name: its folder's, or the training folder's (its parent's when that is named train).</summary>
    private string? FolderName()
    {
        var folder = Path ?? TrainPath;
        if (folder is null)
        {
            return null;
        }

        var name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(folder));
        return Path is null && name == "train" ? System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(System.IO.Path.TrimEndingDirectorySeparator(folder))) : name;
    }

    /// <summary>Checks every field, and that the files are there, before anything loads.</summary>
    /// <exception cref="SpecException">The first field that is wrong, named.</exception>
    public void Validate()
    {
        if (!Sources.Contains(Source))
        {
            throw new SpecException("data.source", $"unknown source '{Source}'; use {string.Join(", ", Sources)}");
        }

        if (Source == "folder")
        {
            if (Path is null && TrainPath is null)
            {
                throw new SpecException("data.path", "a folder source needs path: a folder of class folders, or one holding train/, validation/ and test/ (or train_path:)");
            }

            foreach (var (field, folder) in new[] { ("data.path", Path), ("data.train_path", TrainPath), ("data.validation_path", ValidationPath), ("data.test_path", TestPath) })
            {
                if (folder is not null && !Directory.Exists(folder))
                {
                    throw new SpecException(field, $"no folder '{folder}'");
                }
            }
        }

        if (Source == "fashion-mnist" && !FashionMnist.IsInstalled(Path ?? FashionMnist.DefaultFolder))
        {
            throw new SpecException("data.path", $"Fashion-MNIST is not in '{Path ?? FashionMnist.DefaultFolder}'; install it with: apt-get install dataset-fashion-mnist");
        }

        if (Count < 2)
        {
            throw new SpecException("data.count", $"must be at least 2, got {Count}");
        }

        if (Size is < 4)
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
    /// <exception cref="SpecException">A field is wrong, or the files do not make a dataset (no images, mixed sizes, different classes).</exception>
    public LoadedData Load()
    {
        Validate();
        var (train, validation, test) = Source switch
        {
            "fashion-mnist" => Split(FashionMnist.Load(Path ?? FashionMnist.DefaultFolder)),
            "folder" => LoadFolders(),
            _ => Split(Splits.Stratified(SyntheticShapes.Generate(Count, Size ?? 32, Classes, Seed, Noise, Channels), ValidationSplit, Seed)),
        };
        return new LoadedData(Limit(train, TrainLimit, "data.train_limit"), Limit(validation, ValidationLimit, "data.validation_limit"), test, Augmentation());

        static (ImageDataset, ImageDataset, ImageDataset?) Split((ImageDataset Train, ImageDataset Validation) pair) => (pair.Train, pair.Validation, null);
    }

    private (ImageDataset Train, ImageDataset Validation, ImageDataset? Test) LoadFolders()
    {
        var (trainRoot, validationRoot, testRoot) = Roots();
        var roots = new[] { ("train", trainRoot), ("validation", validationRoot), ("test", testRoot) }.Where(r => r.Item2 is not null).ToList();
        var (width, height) = Size is { } side ? (side, side) : CommonSize(roots.Select(r => r.Item2!));
        ImageDataset Read(string field, string root)
        {
            try
            {
                return ImageFolder.Load(root, width, height, Channels, name: DisplayName, cache: true).Data;
            }
            catch (InvalidDataException)
            {
                throw new SpecException(field, $"'{root}' has no images in class folders ({root}/CLASS/image.png; {string.Join(", ", ImageFolder.Extensions)}){(Path is not null && field == "data.path" ? "; or give it train/, validation/ and test/ folders of classes" : "")}");
            }
        }

        var train = Read(TrainPath is not null ? "data.train_path" : "data.path", trainRoot!);
        var validation = validationRoot is null ? null : Read(ValidationPath is not null ? "data.validation_path" : "data.path", validationRoot);
        var test = testRoot is null ? null : Read(TestPath is not null ? "data.test_path" : "data.path", testRoot);
        foreach (var (split, data) in new[] { ("validation", validation), ("test", test) })
        {
            if (data is not null && !data.ClassNames.SequenceEqual(train.ClassNames))
            {
                throw new SpecException($"data.{split}_path", $"the {split} classes ({string.Join(", ", data.ClassNames)}) are not the training classes ({string.Join(", ", train.ClassNames)}); each split needs the same class folders");
            }
        }

        if (validation is null)
        {
            (train, validation) = Splits.Stratified(train, ValidationSplit, Seed);
        }

        return (train, validation, test);
    }

    /// <summary>The one size every image has; images of several sizes are an error that says how to resize them.</summary>
    private static (int Width, int Height) CommonSize(IEnumerable<string> roots)
    {
        var sizes = new Dictionary<(int Width, int Height), (int Count, string Example)>();
        foreach (var file in roots.SelectMany(ImageFolder.ImageFiles))
        {
            var size = ImageDecoder.Size(file);
            sizes[size] = sizes.TryGetValue(size, out var seen) ? (seen.Count + 1, seen.Example) : (1, file);
        }

        if (sizes.Count == 1)
        {
            return sizes.Keys.Single();
        }

        if (sizes.Count == 0)
        {
            return (32, 32); // no images at all: the load says so, naming the folder
        }

        var listed = sizes.OrderByDescending(s => s.Value.Count).Take(3).Select(s => $"{s.Key.Width}×{s.Key.Height} in {s.Value.Count} (e.g. {s.Value.Example})");
        throw new SpecException("data.size", $"the images are not all one size: {string.Join("; ", listed)}{(sizes.Count > 3 ? "; …" : "")}; set size: N to resize every image to N×N");
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

/// <summary>Data a spec's <c>data:</c> section loaded: the splits, and the augmentation of training.</summary>
/// <param name="Train">The training split.</param>
/// <param name="Validation">The validation split (evaluated after every epoch).</param>
/// <param name="Test">The test split, evaluated once after training; null when the data has none.</param>
/// <param name="Augment">The augmentation of training; null for none.</param>
public sealed record LoadedData(ImageDataset Train, ImageDataset Validation, ImageDataset? Test, ImageDataGenerator? Augment);
