using System.Diagnostics;
using System.Security.Cryptography;
using Podium.Nn;
using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Serialization;
using Podium.Nn.Training;
using Podium.Vision.Datasets;
using Podium.Vision.Models;

// Transfer learning with Podium's own weights (ImageNet's cannot be downloaded here).
//   dotnet run -c Release --project examples/TransferLearning
// Task A is Fashion-MNIST's first five classes (T-shirt … Coat), task B its last five (Sandal … Ankle boot);
// without Fashion-MNIST installed, synthetic shapes of three classes (A) and of five (B) stand in.
// basic_cnn is pre-trained on A and saved; a network for B is built from those weights with its base frozen and
// only its head trained. The same head on a frozen *random* base is the baseline the transfer has to beat.
var clock = Stopwatch.StartNew();
var (taskA, taskB, shape) = Tasks();
var options = new ZooOptions { Width = 0.5, Padding = Padding.Same, Seed = 1 };
var (trainA, testA) = Splits.Stratified(taskA, 0.2, seed: 1);
var (trainB, testB) = Splits.Stratified(taskB, 0.2, seed: 2);
Console.WriteLine($"task A: {taskA.Name}, {trainA.Count} training and {testA.Count} test images of {string.Join('×', shape)}");
Console.WriteLine($"task B: {taskB.Name}, {trainB.Count} training and {testB.Count} test images");

var pretrained = ModelZoo.Build("basic_cnn", shape, taskA.ClassNames.Count, options).Compile(new Adam(), new CategoricalCrossentropy());
pretrained.Fit(trainA.Images, trainA.OneHot(), new FitOptions { Epochs = 2, BatchSize = 64, Seed = 3 });
Console.WriteLine($"pre-trained on A: test accuracy {Accuracy(pretrained, testA):P1}");
var weights = Path.Combine(Path.GetTempPath(), $"podium-transfer-{Environment.ProcessId}.safetensors");
ModelWeights.Save(pretrained, weights);
Console.WriteLine($"saved {new FileInfo(weights).Length:N0} bytes of weights to {weights}");

var transferred = FineTune(new ZooOptions { Width = 0.5, Padding = Padding.Same, Seed = 9, Weights = weights, FreezeBase = true }, out var before, out var after);
Console.WriteLine($"fine-tuned on B with the pre-trained base frozen: test accuracy {Accuracy(transferred, testB):P1}");
Console.WriteLine($"frozen base before fine-tuning {before[..16]}…, after {after[..16]}… — {(before == after ? "unchanged, bit for bit" : "CHANGED")}");
var baseline = FineTune(new ZooOptions { Width = 0.5, Padding = Padding.Same, Seed = 9, FreezeBase = true }, out _, out _);
Console.WriteLine($"baseline, the same head on a frozen random base: test accuracy {Accuracy(baseline, testB):P1}");
Console.WriteLine(transferred.Summary().Split('\n')[^4..].Aggregate((a, b) => a + "\n" + b).TrimEnd());
File.Delete(weights);
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F0} s");
return before == after ? 0 : 1;

Sequential FineTune(ZooOptions zoo, out string baseBefore, out string baseAfter)
{
    var model = ModelZoo.Build("basic_cnn", shape, taskB.ClassNames.Count, zoo).Compile(new Adam(), new CategoricalCrossentropy());
    baseBefore = BaseHash(model);
    model.Fit(trainB.Images, trainB.OneHot(), new FitOptions { Epochs = 2, BatchSize = 64, Seed = 4 });
    baseAfter = BaseHash(model);
    return model;
}

static string BaseHash(Sequential model)
{
    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    foreach (var parameter in model.Layers.TakeWhile(l => l is not Dense).SelectMany(l => l.Parameters))
    {
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(parameter.Value.Data.AsSpan()));
    }

    return Convert.ToHexStringLower(hash.GetHashAndReset());
}

static double Accuracy(Sequential model, ImageDataset test) => model.Evaluate(test.Images, test.OneHot()).Accuracy;

static (ImageDataset A, ImageDataset B, int[] Shape) Tasks()
{
    if (!FashionMnist.IsInstalled())
    {
        var a = SyntheticShapes.Generate(1500, size: 28, classes: 3, seed: 1);
        var b = SyntheticShapes.Generate(1500, size: 28, classes: 5, seed: 7);
        return (a, b, [3, 28, 28]);
    }

    // 12,000 images of each half keep the example near a minute on two cores.
    var (train, _) = FashionMnist.Load();
    var firstHalf = Splits.Subset(train, "fashion-mnist-0-4", i => train.Labels[i] < 5 && i < 24_000);
    var secondHalf = Splits.Subset(train, "fashion-mnist-5-9", i => train.Labels[i] >= 5 && i < 24_000);
    var relabelled = new ImageDataset(secondHalf.Name, secondHalf.Images, secondHalf.Labels.Select(l => l - 5).ToArray(), train.ClassNames.Skip(5).ToArray(), secondHalf.Source);
    var first = new ImageDataset(firstHalf.Name, firstHalf.Images, firstHalf.Labels, train.ClassNames.Take(5).ToArray(), firstHalf.Source);
    return (first, relabelled, [1, 28, 28]);
}
