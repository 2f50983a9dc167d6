using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Schema;
using SkiaSharp;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>
/// A user's own image folders as they arrive: train/validation/test roots, explicit paths, specs run from another
/// folder, and images that keep their size unless the spec says otherwise. Real PNG files, real processes.
/// </summary>
public sealed class OwnDataTests : IDisposable
{
    private const string Model = "model: basic_cnn\nmodel_width: 0.25\npadding: same\nbatch_size: 8\nepochs: 1\n";
    private static readonly (string Name, SKColor Colour)[] Classes = [("cat", SKColors.Orange), ("dog", SKColors.SteelBlue), ("fox", SKColors.ForestGreen)];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Writes <paramref name="count"/> PNGs of <paramref name="size"/> pixels per class under a folder.</summary>
    private void Images(string folder, int count, int size, string[]? classes = null)
    {
        foreach (var (name, colour) in Classes.Where(c => classes is null || classes.Contains(c.Name)))
        {
            Directory.CreateDirectory(_folder.File(Path.Combine(folder, name)));
            for (var i = 0; i < count; i++)
            {
                using var bitmap = new SKBitmap(size, size);
                bitmap.Erase(colour.WithRed((byte)(colour.Red ^ (i * 16))));
                using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(_folder.File(Path.Combine(folder, name, $"{i}.png")), png.ToArray());
            }
        }
    }

    private void Spec(string path, string yaml)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder.File(path))!);
        File.WriteAllText(_folder.File(path), yaml);
    }

    private (int Code, string Out, string Err) Podium(string directory, params string[] arguments)
    {
        Directory.CreateDirectory(_folder.File(directory));
        return PodiumProcess.Run(_folder.File(directory), [.. arguments, "--store", _folder.File("store")]);
    }

    private RunRecord OnlyRun()
    {
        using var tracker = Tracker.OpenExisting(_folder.File("store"));
        return Assert.Single(tracker.SearchRuns($"tags.`{RunTags.Reproduces}` IS NULL"));
    }

    [Fact]
    public void A_root_with_train_validation_and_test_runs_from_another_folder_and_reproduces_from_a_third()
    {
        // Given mydata/{train,val,test}/CLASS/*.png at 20×20, and a spec in specs/ that names it relatively
        Images("mydata/train", 6, 20);
        Images("mydata/val", 2, 20);
        Images("mydata/test", 3, 20);
        Spec("specs/own.yaml", "data: {source: folder, path: ../mydata}\n" + Model);

        // When it runs from a folder that is neither the spec's nor the data's
        var (code, output, error) = Podium("elsewhere", "run", "../specs/own.yaml", "-q");

        // Then the splits are the folders, the size is the files', the name is the folder's, and the test split is scored
        Assert.True(code == 0, output + error);
        Assert.Matches(@"; test accuracy [0-9.]+ on 9 images\n$", output);
        var run = OnlyRun();
        var use = Assert.Single(run.Datasets, d => d.Role == "train");
        Assert.Equal("mydata", use.Dataset.Name);
        Assert.Equal([18, 3, 20, 20], use.Dataset.Splits["train"].X);
        Assert.Equal([6, 3, 20, 20], use.Dataset.Splits["validation"].X);
        Assert.Equal([9, 3, 20, 20], use.Dataset.Splits["test"].X);
        Assert.Equal(["test", "train", "validation"], run.Datasets.Select(d => d.Role).Order());
        Assert.Equal(["cat", "dog", "fox"], use.Dataset.ClassNames);
        Assert.True(run.Metrics.ContainsKey(RunMetrics.TestPrefix + RunMetrics.Accuracy));
        Assert.True(run.Metrics.ContainsKey(RunMetrics.TestPrefix + RunMetrics.F1Macro));
        using (var tracker = Tracker.OpenExisting(_folder.File("store")))
        {
            var artifacts = tracker.Store.ListArtifacts(run.Info.Id).Select(a => a.Path).ToList();
            Assert.Contains(RunArtifacts.TestConfusionMatrixChart, artifacts);
            Assert.Contains(RunArtifacts.TestRocCurvesChart, artifacts);

            // The recorded spec holds the whole path and only what a folder source reads.
            using var reader = new StreamReader(tracker.Store.OpenArtifact(run.Info.Id, RunArtifacts.Spec));
            using var spec = System.Text.Json.JsonDocument.Parse(reader.ReadToEnd());
            var data = spec.RootElement.GetProperty("data");
            Assert.Equal(_folder.File("mydata"), data.GetProperty("path").GetString());
            Assert.False(data.TryGetProperty("count", out _));
            Assert.False(data.TryGetProperty("classes", out _));
            Assert.False(data.TryGetProperty("noise", out _));
            Assert.False(data.TryGetProperty("validation_split", out _)); // there is a validation folder
        }

        // And it reproduces bit-identically from yet another folder
        (code, output, error) = Podium("third", "reproduce", run.Info.Id[..8]);
        Assert.True(code == 0, output + error);
        Assert.Contains("bit-identical: all", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_paths_name_each_split_and_a_folder_of_classes_alone_splits_off_validation()
    {
        Images("a/training", 6, 16);
        Images("b/held-out", 3, 16);
        Spec("explicit.yaml", "data: {source: folder, name: pets, train_path: a/training, test_path: b/held-out, validation_split: 0.5}\n" + Model);

        var (code, output, error) = Podium(".", "run", "explicit.yaml", "-q");

        Assert.True(code == 0, output + error);
        var use = Assert.Single(OnlyRun().Datasets, d => d.Role == "train").Dataset;
        Assert.Equal("pets", use.Name);
        Assert.Equal([9, 3, 16, 16], use.Splits["train"].X);
        Assert.Equal([9, 3, 16, 16], use.Splits["validation"].X);
        Assert.Equal([9, 3, 16, 16], use.Splits["test"].X);
    }

    [Fact]
    public void Images_of_several_sizes_are_refused_with_a_fix_and_resized_only_when_size_is_given()
    {
        Images("mixed/train", 4, 24);
        Images("mixed/train", 1, 30, ["dog"]); // dog/0.png is now 30×30
        Spec("mixed.yaml", "data: {source: folder, path: mixed}\n" + Model);

        var (code, output, error) = Podium(".", "run", "mixed.yaml");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(
            $"podium: data.size: the images are not all one size: 24×24 in 11 (e.g. {_folder.File("mixed/train/cat/0.png")}); 30×30 in 1 (e.g. {_folder.File("mixed/train/dog/0.png")}); set size: N to resize every image to N×N\n",
            error);
        Assert.False(Directory.Exists(_folder.File("store")));

        Spec("resized.yaml", "data: {source: folder, path: mixed, size: 12}\n" + Model);
        (code, output, error) = Podium(".", "run", "resized.yaml", "-q");

        Assert.True(code == 0, output + error);
        var run = OnlyRun();
        var splits = Assert.Single(run.Datasets, d => d.Role == "train").Dataset.Splits;
        Assert.Equal([3L, 12, 12], splits["train"].X.Skip(1));
        Assert.Equal(12, splits["train"].X[0] + splits["validation"].X[0]);
        Assert.Equal(12, run.Params[RunParams.Width].Number);
    }

    [Fact]
    public void A_split_with_other_classes_and_a_root_without_images_are_each_one_line()
    {
        Images("odd/train", 4, 16);
        Images("odd/test", 2, 16, ["cat", "dog"]);
        Spec("odd.yaml", "data: {source: folder, path: odd}\n" + Model);
        Directory.CreateDirectory(_folder.File("empty/cat"));
        Spec("empty.yaml", "data: {source: folder, path: empty}\n" + Model);

        var odd = Podium(".", "run", "odd.yaml");
        var empty = Podium(".", "run", "empty.yaml");

        Assert.Equal((2, "podium: data.test_path: the test classes (cat, dog) are not the training classes (cat, dog, fox); each split needs the same class folders\n"), (odd.Code, odd.Err));
        Assert.Equal(2, empty.Code);
        Assert.StartsWith($"podium: data.path: '{_folder.File("empty")}' has no images in class folders", empty.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", odd.Err + empty.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.File("store")));
    }
}
