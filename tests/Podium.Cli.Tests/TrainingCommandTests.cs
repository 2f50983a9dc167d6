using System.Diagnostics;
using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>podium run, sweep, reproduce and compare as a user meets them: real processes, real signals, a real store.</summary>
public sealed class TrainingCommandTests : IDisposable
{
    private const string Data = "data: {source: shapes, count: 120, size: 16, classes: 3}\n";
    private const string Tiny = Data + "model: basic_cnn\nmodel_width: 0.25\npadding: same\nbatch_size: 16\nlearning_rate: 0.005\n";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Spec(string name, string yaml)
    {
        File.WriteAllText(_folder.File(name), yaml);
        return name;
    }

    private (int ExitCode, string Out, string Err) Podium(params string[] arguments) => PodiumProcess.Run(_folder.Path, [.. arguments, "--store", "store"]);

    private Tracker Store() => Tracker.OpenExisting(_folder.File("store"));

    [Fact]
    public void Run_records_a_run_and_reproduce_finds_every_metric_bit_identical_on_another_thread_count()
    {
        var (code, output, error) = Podium("run", Spec("tiny.yaml", Tiny + "epochs: 2\n"), "--threads", "2");
        Assert.True(code == 0, error);
        Assert.Contains("Epoch 2/2", output);
        string id;
        using (var tracker = Store())
        {
            var run = Assert.Single(tracker.SearchRuns(null));
            Assert.Equal(RunStatus.Finished, run.Info.Status);
            Assert.Contains(tracker.Store.ListArtifacts(run.Info.Id), a => a.Path == "spec.json");
            id = run.Info.Id;
        }

        (code, output, error) = Podium("reproduce", id[..8], "--threads", "1");

        Assert.True(code == 0, output + error);
        Assert.Contains("bit-identical: all", output);
        Assert.Contains("final weights identical", output);
        using var store = Store();
        var copy = Assert.Single(store.SearchRuns($"tags.{RunTags.Reproduces} = '{id}'"));
        Assert.Equal(RunStatus.Finished, copy.Info.Status);
    }

    [Theory]
    [InlineData("batch_size: -4\n", "podium: batch_size: must be a positive whole number, got -4")]
    [InlineData("model: lenet\n", "podium: model: unknown model 'lenet'")]
    [InlineData("optimiser: adam\n", "podium: optimiser: unknown field")]
    [InlineData("data: {source: folder, path: missing-images}\n", "podium: data.path: no folder '/")]
    [InlineData("data: {source: folder, path: ., count: 500}\n", "podium: data.count: source folder does not use it (only shapes does); remove it")]
    [InlineData("data: {source: shapes, test_path: x}\n", "podium: data.test_path: source shapes does not use it (only folder does); remove it")]
    [InlineData(Data + "model: basic_cnn\npadding: valid\n", "podium: padding: basic_cnn with padding 'valid' does not fit 16×16×3 inputs (layer ")]
    public void A_bad_spec_fails_before_training_with_one_line_and_stores_nothing(string yaml, string message)
    {
        var (code, output, error) = Podium("run", Spec("bad.yaml", yaml));

        Assert.Equal(2, code);
        Assert.StartsWith(message, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", output);
        Assert.False(Directory.Exists(_folder.File("store")));
    }

    [Fact]
    public void An_image_that_cannot_be_decoded_fails_the_run_with_one_line_naming_it_and_stores_no_run_or_data()
    {
        // Given a folder of two classes of PNGs (encoded by SkiaSharp) and one file that only pretends to be a JPEG
        foreach (var (name, colour) in new[] { ("cat", SkiaSharp.SKColors.Orange), ("dog", SkiaSharp.SKColors.SteelBlue) })
        {
            Directory.CreateDirectory(_folder.File(Path.Combine("images", name)));
            for (var i = 0; i < 4; i++)
            {
                using var bitmap = new SkiaSharp.SKBitmap(8, 8);
                bitmap.Erase(colour.WithRed((byte)(i * 40)));
                using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(_folder.File(Path.Combine("images", name, $"{i}.png")), png.ToArray());
            }
        }

        var bad = _folder.File(Path.Combine("images", "dog", "zz.jpg"));
        File.WriteAllText(bad, "a text file with a .jpg name");
        var cache = _folder.File("cache");

        // When a run is asked to train on it
        var (code, output, error) = PodiumProcess.RunWith(_folder.Path, new Dictionary<string, string> { ["PODIUM_CACHE_DIR"] = cache },
            "run", Spec("folder.yaml", "data: {source: folder, path: images, size: 8, validation_split: 0.5}\nmodel: basic_cnn\nmodel_width: 0.25\nepochs: 1\n"), "--store", "store");

        // Then it fails with one line that names the file and why, and nothing is stored or cached
        Assert.NotEqual(0, code);
        Assert.Equal($"podium: '{_folder.File(Path.Combine("images", "dog", "zz.jpg"))}' is not a PNG, JPEG, BMP or GIF file (by its content), or its header is damaged", error.Trim());
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFiles(cache).Any());
        if (Directory.Exists(_folder.File("store")))
        {
            using var tracker = Store();
            Assert.Empty(tracker.SearchRuns(null));
        }
    }

    [Fact]
    public void Ctrl_C_stops_at_a_batch_boundary_marks_the_run_killed_and_keeps_its_finished_epochs()
    {
        using var podium = PodiumProcess.StartInBackground(_folder.Path, "run", Spec("long.yaml", Tiny + "epochs: 500\n"), "--store", "store");
        var epochs = WaitFor(() => EpochsLogged(), n => n >= 2, podium);

        podium.Interrupt();

        Assert.True(podium.WaitForExit() == 130, podium.Output);
        Assert.Contains("podium: interrupted; stopping at the end of this batch", podium.Output);
        using var tracker = Store();
        var run = Assert.Single(tracker.SearchRuns(null));
        Assert.Equal(RunStatus.Killed, run.Info.Status);
        Assert.Equal("interrupted", run.Tags[RunTags.StopReason]);
        Assert.InRange(run.Metrics["val_loss"].Count, epochs, 499);
        Assert.NotNull(run.Model);
        Assert.Contains(tracker.Store.ListArtifacts(run.Info.Id), a => a.Path == "history.csv");

        // A killed run is not ranked on its partial scores, unless asked for; then its status says so.
        Assert.Empty(Rows(Podium("board", "--format", "csv", "--columns", "run,status").Out));
        Assert.Equal($"{run.Info.Name},killed", Assert.Single(Rows(Podium("board", "--status", "all", "--format", "csv", "--columns", "run,status").Out)));
        Assert.Single(Rows(Podium("board", "--status", "KILLED", "--format", "csv").Out));
        Assert.Single(Rows(Podium("board", "--filter", "attributes.status = 'killed'", "--format", "csv").Out));
        var (code, _, error) = Podium("board", "--status", "stopped");
        Assert.Equal(2, code);
        Assert.Equal("podium: --status 'stopped' is not a status; use finished, killed, failed, running or all\n", error);
    }

    [Fact]
    public void A_sweep_runs_its_trials_in_workers_under_one_parent_and_started_again_skips_the_finished_ones()
    {
        var sweep = Spec("grid.yaml", Tiny + "epochs: 1\nmethod: grid\nparameters:\n  optimizer: [adam, sgd]\n  batch_size: [8, 16]\n");

        var (code, output, error) = Podium("sweep", sweep, "--workers", "2");

        Assert.True(code == 0, output + error);
        Assert.Contains("4 trial(s) run, 0 already finished, 0 failed", output);
        // The table after a sweep shows what it varied, beside the metric it ranks by.
        Assert.Contains("optimizer", output);
        Assert.Contains("batch_size", output);
        using (var tracker = Store())
        {
            var parent = Assert.Single(tracker.SearchRuns($"tags.{RunTags.Sweep} LIKE '%'"));
            var children = tracker.SearchRuns($"attributes.parent_run_id = '{parent.Info.Id}'");
            Assert.Equal(4, children.Count);
            Assert.All(children, c => Assert.Equal(RunStatus.Finished, c.Info.Status));
            Assert.Equal(["adam/16", "adam/8", "sgd/16", "sgd/8"], children.Select(c => $"{c.Params["optimizer"].Text}/{c.Params["batch_size"].Text}").Order());
            var best = children.MaxBy(c => c.Metrics["val_accuracy"].Last)!;
            Assert.Equal(best.Metrics["val_accuracy"].Last, parent.Metrics["best_val_accuracy"].Last);
            Assert.Equal(parent.Tags[RunTags.SweepBestRunId], Assert.Single(children, c => c.Tags[RunTags.SweepBest] == "true").Info.Id);
        }

        // A trial, written by a worker process, reproduces from the store like any run.
        string bestTrial;
        using (var tracker = Store())
        {
            bestTrial = Assert.Single(tracker.SearchRuns($"tags.{RunTags.Sweep} LIKE '%'")).Tags[RunTags.SweepBestRunId];
        }

        (code, output, error) = Podium("reproduce", bestTrial);
        Assert.True(code == 0, output + error);
        Assert.Contains("bit-identical", output);

        // The best-of-sweep view: the sweep's best trial, beside a run outside any sweep.
        var quiet = Podium("run", Spec("alone.yaml", Tiny + "epochs: 1\n"), "-q");
        Assert.Equal(0, quiet.ExitCode);
        // Quiet: no progress and no table, only the line that says which run it was and how it did.
        Assert.Matches(@"^run [0-9a-f]{8} finished in [0-9.]+ s: accuracy [0-9.]+, macro F1 [0-9.]+, ROC AUC [0-9.]+\n$", quiet.Out);
        var (_, board, _) = Podium("board", "--best-of-sweep", "--format", "csv", "--columns", "run,run_id");
        var (_, withCopies, _) = Podium("board", "--best-of-sweep", "--reproductions", "--format", "csv", "--columns", "run,run_id");
        using (var tracker = Store())
        {
            var parent = Assert.Single(tracker.SearchRuns($"tags.{RunTags.Sweep} LIKE '%'"));
            var bestId = parent.Tags[RunTags.SweepBestRunId];
            var rows = Rows(board);
            Assert.Equal(2, rows.Count); // the best trial and the lone run; the reproduction only when asked for
            Assert.Contains(rows, r => r.EndsWith(bestId, StringComparison.Ordinal));
            Assert.Contains(rows, r => r.StartsWith("basic_cnn-adam-b16-e1-nostop,", StringComparison.Ordinal));
            var copies = Rows(withCopies);
            Assert.Equal(3, copies.Count);
            Assert.Contains(copies, r => r.StartsWith(parent.Tags[RunTags.SweepBestRunName] + "-repro,", StringComparison.Ordinal));
            Assert.DoesNotContain(copies, r => r.EndsWith(parent.Info.Id, StringComparison.Ordinal)); // a sweep's own run is never ranked
        }

        // One sweep's board: its trials only, ranked by its metric, with the params it varied.
        (code, output, error) = Podium("board", "--sweep", "grid", "--format", "csv");
        Assert.True(code == 0, output + error);
        var lines = output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("rank,run,val_accuracy,optimizer,batch_size,epochs_trained,duration,status,", lines[0]);
        var accuracies = lines.Skip(1).Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, accuracies.Count);
        Assert.Equal(accuracies.OrderDescending(), accuracies);
        (code, _, error) = Podium("board", "--sweep", "gird");
        Assert.Equal(2, code);
        Assert.Equal("podium: no sweep 'gird'; did you mean 'grid'? (the store has: grid)\n", error);

        (code, output, error) = Podium("sweep", sweep, "--workers", "2");

        Assert.True(code == 0, output + error);
        Assert.Contains("0 trial(s) run, 4 already finished", output);
        using var again = Store();
        Assert.Equal(7, again.SearchRuns(null).Count);
    }

    private static List<string> Rows(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).ToList();

    [Fact]
    public void A_sweep_killed_midway_is_resumed_under_the_same_parent_running_only_what_did_not_finish()
    {
        var sweep = Spec("random.yaml", Tiny + "epochs: 2\nmethod: random\ntrials: 4\nparameters:\n  learning_rate: {distribution: log_uniform_values, min: 0.001, max: 0.01}\n");
        using (var podium = PodiumProcess.StartInBackground(_folder.Path, "sweep", sweep, "--store", "store"))
        {
            WaitFor(() => FinishedRuns(), n => n >= 1, podium);
            podium.Interrupt();
            Assert.True(podium.WaitForExit() == 130, podium.Output);
        }

        int finishedBefore;
        using (var tracker = Store())
        {
            Assert.Equal(RunStatus.Killed, Assert.Single(tracker.SearchRuns($"tags.{RunTags.Sweep} LIKE '%'")).Info.Status);
            finishedBefore = tracker.SearchRuns("attributes.status = 'finished'").Count;
        }

        var (code, output, error) = Podium("sweep", sweep);

        Assert.True(code == 0, output + error);
        Assert.Contains($"{4 - finishedBefore} trial(s) run, {finishedBefore} already finished", output);
        using var store = Store();
        var parent = Assert.Single(store.SearchRuns($"tags.{RunTags.Sweep} LIKE '%'"));
        Assert.Equal(RunStatus.Finished, parent.Info.Status);
        var finished = store.SearchRuns($"attributes.parent_run_id = '{parent.Info.Id}' AND attributes.status = 'finished'");
        Assert.Equal(["0", "1", "2", "3"], finished.Select(r => r.Tags[RunTags.SweepTrial]).Order());
    }

    [Fact]
    public void Compare_names_the_params_and_metrics_that_differ()
    {
        Assert.Equal(0, Podium("run", Spec("a.yaml", Tiny + "epochs: 1\noptimizer: adam\n"), "-q").ExitCode);
        Assert.Equal(0, Podium("run", Spec("b.yaml", Tiny + "epochs: 1\noptimizer: rmsprop\n"), "-q").ExitCode);
        using var tracker = Store();
        var ids = tracker.SearchRuns("ORDER BY attributes.start_time ASC").Select(r => r.Info.Id[..8]).ToArray();

        var (code, output, error) = Podium(["compare", .. ids]);

        Assert.True(code == 0, error);
        var optimizer = Assert.Single(output.Split('\n'), l => l.Contains(" optimizer "));
        Assert.Matches(@"params\s*│\s*optimizer\s*│\s*adam\s*│\s*rmsprop", optimizer);
        Assert.DoesNotContain(" batch_size ", output, StringComparison.Ordinal); // 16 in both: not a difference
        Assert.Contains("the same in every run:", output);
    }

    private int EpochsLogged()
    {
        if (!File.Exists(_folder.File("store/podium.db")))
        {
            return 0;
        }

        using var tracker = Store();
        return tracker.SearchRuns(null).Select(r => r.Metrics.TryGetValue("val_loss", out var m) ? (int)m.Count : 0).DefaultIfEmpty().Max();
    }

    private int FinishedRuns()
    {
        if (!File.Exists(_folder.File("store/podium.db")))
        {
            return 0;
        }

        using var tracker = Store();
        return tracker.SearchRuns("attributes.status = 'finished'").Count;
    }

    private static int WaitFor(Func<int> probe, Func<int, bool> ready, PodiumProcess.Background podium)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            Assert.False(podium.Process.HasExited, "podium ended before it could be interrupted: " + podium.Output);
            var value = probe();
            if (ready(value))
            {
                return value;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException("podium did not get far enough in 90 s");
    }
}
