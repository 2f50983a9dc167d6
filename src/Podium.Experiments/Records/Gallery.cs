using System.Text.Json;
using Podium.Nn;
using Podium.Tracking;
using Podium.Tracking.Schema;
using Podium.Vision.Images;

namespace Podium.Experiments.Records;

/// <summary>
/// Images a person looks at beside the numbers: the validation split's most confident mistakes with their true and
/// predicted labels, a few correct examples per class, and a few training images per class. Each is a PNG artifact,
/// listed by a JSON artifact (<see cref="RunArtifacts.Gallery"/>, <see cref="RunArtifacts.Samples"/>).
/// </summary>
public static class Gallery
{
    /// <summary>How many mistakes are kept, most confident first.</summary>
    public const int Mistakes = 16;

    /// <summary>How many correct examples per class.</summary>
    public const int CorrectPerClass = 2;

    /// <summary>How many training samples per class.</summary>
    public const int SamplesPerClass = 4;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>One image of the gallery.</summary>
    /// <param name="Image">The PNG's artifact path.</param>
    /// <param name="Index">The image's index in its split.</param>
    /// <param name="True">The true class.</param>
    /// <param name="Predicted">The predicted class (null for a training sample).</param>
    /// <param name="Confidence">The predicted class's probability (null for a training sample).</param>
    public sealed record Entry(string Image, int Index, string True, string? Predicted, double? Confidence);

    /// <summary>The mistakes and correct examples of a split: probabilities are (n, classes), row by row.</summary>
    public static void LogPredictions(Run run, string split, Tensor images, IReadOnlyList<int> labels, IReadOnlyList<int> predicted, float[] probabilities, IReadOnlyList<string> classes)
    {
        var n = labels.Count;
        double Confidence(int i) => probabilities[(long)i * classes.Count + predicted[i]];
        // Ties keep the split's order, so the same run picks the same images.
        var mistakes = Enumerable.Range(0, n).Where(i => labels[i] != predicted[i])
            .OrderByDescending(Confidence).ThenBy(i => i).Take(Mistakes)
            .Select((i, k) => Log(run, $"gallery/mistake_{k + 1:D2}.png", images, i, classes[labels[i]], classes[predicted[i]], Confidence(i)))
            .ToList();
        var correct = Enumerable.Range(0, classes.Count).SelectMany(c => Enumerable.Range(0, n)
                .Where(i => labels[i] == c && predicted[i] == c).OrderByDescending(Confidence).ThenBy(i => i).Take(CorrectPerClass)
                .Select((i, k) => Log(run, $"gallery/correct_c{c}_{k + 1}.png", images, i, classes[c], classes[c], Confidence(i))))
            .ToList();
        LogJson(run, RunArtifacts.Gallery, new { split, classes, count = n, wrong = labels.Where((l, i) => l != predicted[i]).Count(), mistakes, correct });
    }

    /// <summary>The first few images of each class of a split.</summary>
    public static void LogSamples(Run run, string split, Tensor images, IReadOnlyList<int> labels, IReadOnlyList<string> classes)
    {
        var samples = Enumerable.Range(0, classes.Count).SelectMany(c => Enumerable.Range(0, labels.Count)
                .Where(i => labels[i] == c).Take(SamplesPerClass)
                .Select((i, k) => Log(run, $"data/samples/c{c}_{k + 1}.png", images, i, classes[c], null, null)))
            .ToList();
        LogJson(run, RunArtifacts.Samples, new { split, classes, samples });
    }

    private static Entry Log(Run run, string path, Tensor images, int index, string truth, string? predicted, double? confidence)
    {
        using var png = new MemoryStream(PngWriter.Encode(images, index));
        run.LogArtifact(path, png);
        return new Entry(path, index, truth, predicted, confidence is { } c ? Math.Round(c, 6) : null);
    }

    private static void LogJson(Run run, string path, object value)
    {
        using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, Json));
        run.LogArtifact(path, json);
    }
}
