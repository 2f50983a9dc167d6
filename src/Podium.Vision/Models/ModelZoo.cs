using Podium.Nn;
using Podium.Nn.Layers;
using Podium.Nn.Serialization;

namespace Podium.Vision.Models;

/// <summary>Settings for the zoo's builders.</summary>
public sealed class ZooOptions
{
    /// <summary>Seed of the initial weights.</summary>
    public long Seed { get; init; }

    /// <summary>Scales every layer's width (channels and dense units), so large networks train on a CPU; 1 is the published size.</summary>
    public double Width { get; init; } = 1.0;

    /// <summary>basic_cnn's padding: the prototype used 'valid' (100×100 inputs); 'same' lets 28×28 inputs through three poolings.</summary>
    public Padding Padding { get; init; } = Padding.Valid;

    /// <summary>A safetensors file to start from: parameters are loaded by name, those whose shape differs (a new head) are skipped.</summary>
    public string? Weights { get; init; }

    /// <summary>Freeze the base (every layer before the first dense layer), so only the head trains.</summary>
    public bool FreezeBase { get; init; }
}

/// <summary>The networks Podium ranks: basic_cnn (the prototype's), vgg16 (and vgg16_bn), resnet18 and alexnet, each for any input shape and class count.</summary>
public static class ModelZoo
{
    /// <summary>The names the zoo knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["basic_cnn", "vgg16", "vgg16_bn", "resnet18", "alexnet"];

    /// <summary>Builds a model by name for an input shape (channels, height, width) and a class count.</summary>
    /// <exception cref="ArgumentException">An unknown name, listing the known ones.</exception>
    public static Sequential Build(string name, int[] inputShape, int classes, ZooOptions? options = null)
    {
        options ??= new ZooOptions();
        if (inputShape.Length != 3)
        {
            throw new ArgumentException($"input shape must be (channels, height, width), got {Tensor.Format(inputShape)}");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (options.Width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Width, "width must be positive");
        }

        var model = name switch
        {
            "basic_cnn" => BasicCnn(classes, options),
            "vgg16" => Vgg16(classes, options, batchNorm: false),
            "vgg16_bn" => Vgg16(classes, options, batchNorm: true),
            "resnet18" => ResNet18(inputShape, classes, options),
            "alexnet" => AlexNet(inputShape, classes, options),
            _ => throw new ArgumentException($"unknown model '{name}'; the zoo has {string.Join(", ", Names)}"),
        };
        model.Build(inputShape, options.Seed);
        if (options.Weights is { } weights)
        {
            ModelWeights.Load(model, weights, strict: false, skipMismatch: true);
        }

        if (options.FreezeBase)
        {
            foreach (var layer in model.Layers.TakeWhile(l => l is not Dense))
            {
                model.SetTrainable(layer, false);
            }
        }

        return model;
    }

    private static int Scaled(int channels, ZooOptions options) => Math.Max(1, (int)Math.Round(channels * options.Width));

    /// <summary>The prototype's: 5×5 convolutions 32/64/128, each with ReLU and 2×2 max-pooling; dropout 0.3, dense 64, softmax.</summary>
    private static Sequential BasicCnn(int classes, ZooOptions o) =>
        new Sequential("basic_cnn")
            .Add(new Conv2D(Scaled(32, o), 5, padding: o.Padding, relu: true)).Add(new MaxPool2D(2))
            .Add(new Conv2D(Scaled(64, o), 5, padding: o.Padding, relu: true)).Add(new MaxPool2D(2))
            .Add(new Conv2D(Scaled(128, o), 5, padding: o.Padding, relu: true)).Add(new MaxPool2D(2))
            .Add(new Flatten()).Add(new Dropout(0.3)).Add(new Dense(Scaled(64, o), relu: true)).Add(new Dense(classes)).Add(new Softmax());

    /// <summary>
    /// VGG16's 13 convolutions (3×3, same, ReLU) in five blocks with 2×2 pooling, and the prototype's head: global average
    /// pooling, dense 256, dense 120, softmax. vgg16_bn (torchvision's name) puts batch normalization between each
    /// convolution and its ReLU (with torchvision's statistics momentum 0.1 and ε 1e-5), which lets the deep stack train
    /// from scratch.
    /// </summary>
    private static Sequential Vgg16(int classes, ZooOptions o, bool batchNorm)
    {
        var model = new Sequential(batchNorm ? "vgg16_bn" : "vgg16");
        foreach (var (filters, convs) in new[] { (64, 2), (128, 2), (256, 3), (512, 3), (512, 3) })
        {
            for (var i = 0; i < convs; i++)
            {
                if (batchNorm)
                {
                    model.Add(new Conv2D(Scaled(filters, o), 3, padding: Padding.Same)).Add(new BatchNorm(momentum: 0.9, epsilon: 1e-5)).Add(new ReLU());
                }
                else
                {
                    model.Add(new Conv2D(Scaled(filters, o), 3, padding: Padding.Same, relu: true));
                }
            }

            model.Add(new MaxPool2D(2));
        }

        return model.Add(new GlobalAveragePool2D())
            .Add(new Dense(Scaled(256, o), relu: true)).Add(new Dense(Scaled(120, o), relu: true)).Add(new Dense(classes)).Add(new Softmax());
    }

    /// <summary>
    /// ResNet-18: four stages of two basic blocks (conv-BN-ReLU-conv-BN plus shortcut, then ReLU), 64/128/256/512 channels,
    /// stride 2 with a 1×1 projection entering stages 2–4. Inputs under 64 pixels get the small-input stem (3×3, no pooling);
    /// larger ones the ImageNet stem (7×7 stride 2, BN, ReLU, 3×3 stride-2 max-pooling).
    /// </summary>
    private static Sequential ResNet18(int[] input, int classes, ZooOptions o)
    {
        var model = new Sequential("resnet18");
        var stem = Scaled(64, o);
        if (Math.Min(input[1], input[2]) < 64)
        {
            model.Add(new Conv2D(stem, 3, padding: Padding.Same)).Add(new BatchNorm()).Add(new ReLU());
        }
        else
        {
            model.Add(new Conv2D(stem, 7, stride: 2, padding: Padding.Same)).Add(new BatchNorm()).Add(new ReLU()).Add(new MaxPool2D(3, 2));
        }

        var channels = stem;
        foreach (var (width, stride) in new[] { (64, 1), (128, 2), (256, 2), (512, 2) })
        {
            var filters = Scaled(width, o);
            for (var block = 0; block < 2; block++)
            {
                var s = block == 0 ? stride : 1;
                Module[] body = [new Conv2D(filters, 3, stride: s, padding: Padding.Same), new BatchNorm(), new ReLU(), new Conv2D(filters, 3, padding: Padding.Same), new BatchNorm()];
                var projection = s != 1 || channels != filters ? new Module[] { new Conv2D(filters, 1, stride: s), new BatchNorm() } : null;
                model.Add(new ResidualBlock(body, projection));
                channels = filters;
            }
        }

        return model.Add(new GlobalAveragePool2D()).Add(new Dense(classes)).Add(new Softmax());
    }

    /// <summary>
    /// AlexNet's five convolutions (96, 256, 384, 384, 256) and three dense layers with dropout, adapted to the input: the
    /// 11×11 stride-4 entry and the 3×3 stride-2 poolings are used where the image is large enough (≥ 128 pixels); smaller
    /// images get a 5×5 stride-1 entry and 2×2 poolings, so 32×32 inputs still reach the dense layers.
    /// </summary>
    private static Sequential AlexNet(int[] input, int classes, ZooOptions o)
    {
        var large = Math.Min(input[1], input[2]) >= 128;
        var model = new Sequential("alexnet");
        model.Add(large ? new Conv2D(Scaled(96, o), 11, stride: 4, padding: Padding.Same, relu: true) : new Conv2D(Scaled(96, o), 5, padding: Padding.Same, relu: true));
        model.Add(large ? new MaxPool2D(3, 2) : new MaxPool2D(2));
        model.Add(new Conv2D(Scaled(256, o), 5, padding: Padding.Same, relu: true)).Add(large ? new MaxPool2D(3, 2) : new MaxPool2D(2));
        model.Add(new Conv2D(Scaled(384, o), 3, padding: Padding.Same, relu: true));
        model.Add(new Conv2D(Scaled(384, o), 3, padding: Padding.Same, relu: true));
        model.Add(new Conv2D(Scaled(256, o), 3, padding: Padding.Same, relu: true)).Add(large ? new MaxPool2D(3, 2) : new MaxPool2D(2));
        return model.Add(new Flatten())
            .Add(new Dense(Scaled(4096, o), relu: true)).Add(new Dropout(0.5))
            .Add(new Dense(Scaled(4096, o), relu: true)).Add(new Dropout(0.5))
            .Add(new Dense(classes)).Add(new Softmax());
    }
}
