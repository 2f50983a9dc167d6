using Podium.Nn.Layers;
using Podium.Tracking.Schema;
using Podium.Vision.Models;
using static Podium.Experiments.Specs.SpecValues;

namespace Podium.Experiments;

/// <summary>Everything that decides a run besides its data: the network, the optimizer and the fit settings (Keras's names and defaults).</summary>
public sealed record RunSpec
{
    /// <summary>A zoo model: basic_cnn, vgg16, resnet18 or alexnet.</summary>
    public string Model { get; init; } = "basic_cnn";

    /// <summary>Scales every layer's width (1 is the published size).</summary>
    public double ModelWidth { get; init; } = 1.0;

    /// <summary>basic_cnn's padding, 'valid' (the prototype's) or 'same'.</summary>
    public string Padding { get; init; } = "valid";

    /// <summary>sgd, adam, adagrad or rmsprop.</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>The learning rate; null for the optimizer's Keras default.</summary>
    public double? LearningRate { get; init; }

    /// <summary>The loss, by its Keras name.</summary>
    public string Loss { get; init; } = "categorical_crossentropy";

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Epochs asked for.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Epochs without improvement of val_loss before an early stop.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>Every epoch, or stop early.</summary>
    public FitMode FitMode { get; init; } = FitMode.NoStop;

    /// <summary>Fixes initialisation, shuffling, dropout and augmentation.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The run's name; null for one made from the settings.</summary>
    public string? Name { get; init; }

    /// <summary>The experiment the run belongs to.</summary>
    public string Experiment { get; init; } = "default";

    /// <summary>The name a run gets when none is given: model, optimizer, batch size, epochs and mode.</summary>
    public string DisplayName => Name ?? $"{Model}-{Optimizer}-b{BatchSize}-e{Epochs}-{(FitMode == FitMode.NoStop ? "nostop" : "early")}";

    /// <summary>The fields a spec file may set, by their names there.</summary>
    public static IReadOnlyList<string> Fields { get; } =
        [RunParams.Model, RunParams.ModelWidth, RunParams.Padding, RunParams.Optimizer, RunParams.LearningRate, RunParams.Loss, RunParams.BatchSize, RunParams.Epochs, RunParams.Patience, RunParams.FitMode, RunParams.Seed, "name", "experiment"];

    /// <summary>This spec with one field, named as in a spec file, set to a value read from one.</summary>
    /// <exception cref="SpecException">The field is unknown or the value is of the wrong kind.</exception>
    public RunSpec With(string field, object? value) => field switch
    {
        RunParams.Model => this with { Model = Text(field, value) },
        RunParams.ModelWidth => this with { ModelWidth = Number(field, value) },
        RunParams.Padding => this with { Padding = Text(field, value) },
        RunParams.Optimizer => this with { Optimizer = Text(field, value) },
        RunParams.LearningRate => this with { LearningRate = value is null ? null : Number(field, value) },
        RunParams.Loss => this with { Loss = Text(field, value) },
        RunParams.BatchSize => this with { BatchSize = Whole(field, value) },
        RunParams.Epochs => this with { Epochs = Whole(field, value) },
        RunParams.Patience => this with { Patience = Whole(field, value) },
        RunParams.FitMode => this with
        {
            FitMode = Text(field, value) switch
            {
                "nostop" => FitMode.NoStop,
                "early" => FitMode.EarlyStopping,
                var other => throw new SpecException(field, $"'{other}' is neither 'nostop' nor 'early'"),
            },
        },
        RunParams.Seed => this with { Seed = Whole(field, value) },
        "name" => this with { Name = value is null ? null : Text(field, value) },
        "experiment" => this with { Experiment = Text(field, value) },
        _ => throw Unknown(field, Fields),
    };

    /// <summary>Every field as a spec file writes it.</summary>
    public Dictionary<string, object?> ToFields() => new()
    {
        ["experiment"] = Experiment, ["name"] = Name, [RunParams.Model] = Model, [RunParams.ModelWidth] = ModelWidth, [RunParams.Padding] = Padding,
        [RunParams.Optimizer] = Optimizer, [RunParams.LearningRate] = LearningRate, [RunParams.Loss] = Loss, [RunParams.BatchSize] = BatchSize, [RunParams.Epochs] = Epochs,
        [RunParams.Patience] = Patience, [RunParams.FitMode] = FitMode == FitMode.NoStop ? "nostop" : "early", [RunParams.Seed] = Seed,
    };

    internal Padding PaddingMode => Padding == "same" ? Nn.Layers.Padding.Same : Nn.Layers.Padding.Valid;

    /// <summary>
    /// Checks that the network fits the data before a run is created: the zoo model is built for the input shape (and
    /// dropped), so a network whose pooling runs out of pixels is named with the fields that fix it.
    /// </summary>
    /// <exception cref="SpecException">The network does not fit; the message names padding or the input size.</exception>
    public void CheckFits(int[] inputShape, int classes)
    {
        try
        {
            ModelZoo.Build(Model, inputShape, classes, new ZooOptions { Width = ModelWidth, Padding = PaddingMode, Seed = Seed });
        }
        catch (ArgumentException e)
        {
            var size = string.Join('×', inputShape.Skip(1)) + (inputShape[0] == 1 ? "" : $"×{inputShape[0]}");
            throw Padding == "valid"
                ? new SpecException(RunParams.Padding, $"{Model} with padding 'valid' does not fit {size} inputs ({e.Message}); set padding: same, or larger images (data.size)")
                : new SpecException(RunParams.Model, $"{Model} does not fit {size} inputs ({e.Message}); use larger images (data.size) or a smaller model");
        }
    }

    /// <summary>Checks every field before anything trains.</summary>
    /// <exception cref="SpecException">The first field that is wrong, named.</exception>
    public void Validate()
    {
        if (!ModelZoo.Names.Contains(Model))
        {
            throw new SpecException(RunParams.Model, $"unknown model '{Model}'; the zoo has {string.Join(", ", ModelZoo.Names)}");
        }

        if (!Nn.Optimizers.Optimizer.Names.Contains(Optimizer))
        {
            throw new SpecException(RunParams.Optimizer, $"unknown optimizer '{Optimizer}'; use {string.Join(", ", Nn.Optimizers.Optimizer.Names)}");
        }

        if (!Nn.Losses.Loss.IsKnown(Loss))
        {
            throw new SpecException(RunParams.Loss, $"unknown loss '{Loss}'; use {string.Join(", ", Nn.Losses.Loss.Names)}");
        }

        if (Padding is not ("same" or "valid"))
        {
            throw new SpecException(RunParams.Padding, $"'{Padding}' is neither 'same' nor 'valid'");
        }

        Positive(RunParams.BatchSize, BatchSize);
        Positive(RunParams.Epochs, Epochs);
        if (Patience < 0)
        {
            throw new SpecException(RunParams.Patience, $"must be 0 or more, got {Patience}");
        }

        if (!(ModelWidth > 0) || double.IsInfinity(ModelWidth))
        {
            throw new SpecException(RunParams.ModelWidth, $"must be a positive number, got {ModelWidth}");
        }

        if (LearningRate is { } rate && (!(rate > 0) || double.IsInfinity(rate)))
        {
            throw new SpecException(RunParams.LearningRate, $"must be a positive number, got {rate}");
        }

        static void Positive(string field, int value)
        {
            if (value <= 0)
            {
                throw new SpecException(field, $"must be a positive whole number, got {value}");
            }
        }
    }
}
