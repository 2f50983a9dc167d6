using System.Text.Json;
using Podium.Experiments.Records;
using Podium.Nn;
using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Experiments.Tests.Records;

/// <summary>The gallery of a hand-worked evaluation: which images are the most confident mistakes and the best correct ones.</summary>
public sealed class GalleryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Mistakes_come_most_confident_first_and_each_class_gets_its_most_confident_correct_images()
    {
        // Four images, two classes. Image 0: true 0, predicted 1 at 0.7 (a mistake); 1: true 1, predicted 1 at 0.8;
        // 2: true 1, predicted 0 at 0.9 (the most confident mistake); 3: true 0, predicted 0 at 0.6.
        var images = new Tensor(4, 1, 2, 2);
        for (var i = 0; i < images.Length; i++)
        {
            images.Data[i] = i / 15f;
        }

        float[] probabilities = [0.3f, 0.7f, 0.2f, 0.8f, 0.9f, 0.1f, 0.6f, 0.4f];
        using var tracker = Tracker.Open(_folder.Path, new TrackerOptions { CaptureSource = false });
        string id;
        using (var run = tracker.StartRun("gallery", "hand-worked"))
        {
            Gallery.LogPredictions(run, "validation", images, [0, 1, 1, 0], [1, 1, 0, 0], probabilities, ["cat", "dog"]);
            Gallery.LogSamples(run, "train", images, [0, 1, 1, 0], ["cat", "dog"]);
            run.End();
            id = run.Id;
        }

        var gallery = Read(tracker, id, RunArtifacts.Gallery);
        Assert.Equal(4, gallery.GetProperty("count").GetInt32());
        Assert.Equal(2, gallery.GetProperty("wrong").GetInt32());
        var mistakes = gallery.GetProperty("mistakes").EnumerateArray().ToList();
        Assert.Equal([2, 0], mistakes.Select(m => m.GetProperty("index").GetInt32()));
        Assert.Equal(["dog", "cat"], mistakes.Select(m => m.GetProperty("true").GetString()));
        Assert.Equal(["cat", "dog"], mistakes.Select(m => m.GetProperty("predicted").GetString()));
        Assert.Equal([0.9, 0.7], mistakes.Select(m => m.GetProperty("confidence").GetDouble()), new ToleranceComparer(1e-6));
        var correct = gallery.GetProperty("correct").EnumerateArray().ToList();
        Assert.Equal([3, 1], correct.Select(m => m.GetProperty("index").GetInt32()));

        // Every image named is stored as a PNG.
        var stored = tracker.Store.ListArtifacts(id).Select(a => a.Path).ToHashSet();
        Assert.All(mistakes.Concat(correct), m => Assert.Contains(m.GetProperty("image").GetString()!, stored));
        var samples = Read(tracker, id, RunArtifacts.Samples).GetProperty("samples").EnumerateArray().ToList();
        Assert.Equal([0, 3, 1, 2], samples.Select(s => s.GetProperty("index").GetInt32()));
        using var png = tracker.Store.OpenArtifact(id, samples[0].GetProperty("image").GetString()!);
        var header = new byte[8];
        png.ReadExactly(header);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], header);
    }

    private static JsonElement Read(Tracker tracker, string id, string path)
    {
        using var stream = tracker.Store.OpenArtifact(id, path);
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    public void Dispose() => _folder.Dispose();

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
