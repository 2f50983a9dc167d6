using System.Security.Cryptography;
using Podium.Tests;
using Podium.Tracking.Query;
using Xunit;

namespace Podium.Tracking.Tests.Stores;

/// <summary>What every store must do. A new store (PostgreSQL, remote HTTP) derives a class from this and passes it unchanged.</summary>
public abstract class StoreContractTests<TFactory> : IDisposable
    where TFactory : IStoreFactory, new()
{
    private readonly TempFolder _folder = new();
    private readonly TFactory _factory = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected StoreContractTests()
    {
        Store = _factory.Create(_folder);
        Tracker = Tracker.Over(Store, new TrackerOptions { Clock = _clock, CaptureSource = false });
    }

    protected ITrackingStore Store { get; }

    protected Tracker Tracker { get; }

    public void Dispose()
    {
        Store.Dispose();
        (_factory as IDisposable)?.Dispose();
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Started_run_is_running_with_its_attributes()
    {
        using var run = Tracker.StartRun("exp", "first", seed: 42);

        var stored = Store.GetRun(run.Id)!;

        Assert.Equal("first", stored.Info.Name);
        Assert.Equal("exp", stored.Info.Experiment);
        Assert.Equal(RunStatus.Running, stored.Info.Status);
        Assert.Equal(42, stored.Info.Seed);
        Assert.Equal(_clock.GetUtcNow(), stored.Info.StartTime);
        Assert.Null(stored.Info.EndTime);
        Assert.Equal(32, run.Id.Length);
        Assert.Single(Store.ListExperiments(), e => e.Name == "exp");
    }

    [Fact]
    public void Keys_are_listed_per_experiment_and_sorted()
    {
        using (var run = Tracker.StartRun("a"))
        {
            run.LogParam("optimizer", "adam");
            run.LogMetric("val_loss", 0.5);
            run.LogMetric("loss", 0.7);
            run.SetTag("stage", "dev");
        }

        using (var run = Tracker.StartRun("b"))
        {
            run.LogParam("batch_size", 32);
            run.LogMetric("accuracy", 0.9);
        }

        Assert.Equal(new RunKeys(["loss", "val_loss"], ["optimizer"], ["stage"]), Store.ListKeys("a"), new KeysComparer());
        Assert.Equal(new RunKeys(["accuracy", "loss", "val_loss"], ["batch_size", "optimizer"], ["stage"]), Store.ListKeys(null), new KeysComparer());
        Assert.Equal(new RunKeys([], [], []), Store.ListKeys("none"), new KeysComparer());
    }

    private sealed class KeysComparer : IEqualityComparer<RunKeys>
    {
        public bool Equals(RunKeys? x, RunKeys? y) =>
            x!.Metrics.SequenceEqual(y!.Metrics) && x.Params.SequenceEqual(y.Params) && x.Tags.SequenceEqual(y.Tags);

        public int GetHashCode(RunKeys obj) => 0;
    }

    [Fact]
    public void Ended_run_keeps_status_end_time_and_duration()
    {
        var run = Tracker.StartRun("exp");
        _clock.Advance(TimeSpan.FromSeconds(90));

        run.End(RunStatus.Killed);

        var info = Store.GetRun(run.Id)!.Info;
        Assert.Equal(RunStatus.Killed, info.Status);
        Assert.Equal(TimeSpan.FromSeconds(90), info.Duration);
    }

    [Fact]
    public void Disposing_a_run_that_was_not_ended_marks_it_failed_and_keeps_its_points()
    {
        string id;
        using (var run = Tracker.StartRun("exp"))
        {
            id = run.Id;
            run.LogMetric("loss", 0.5);
        }

        var stored = Store.GetRun(id)!;
        Assert.Equal(RunStatus.Failed, stored.Info.Status);
        Assert.Equal(0.5, stored.Metrics["loss"].Last);
    }

    [Fact]
    public void Params_keep_their_types()
    {
        using var run = Tracker.StartRun("exp");

        run.LogParams(new Dictionary<string, object>
        {
            ["lr"] = 0.001, ["batch_size"] = 32, ["optimizer"] = "adam", ["nesterov"] = true, ["layers"] = new[] { 32, 64 },
        });

        var p = Store.GetRun(run.Id)!.Params;
        Assert.Equal((ParamKind.Number, "0.001", 0.001), (p["lr"].Kind, p["lr"].Text, p["lr"].Number));
        Assert.Equal((ParamKind.Number, "32"), (p["batch_size"].Kind, p["batch_size"].Text));
        Assert.Equal((ParamKind.String, "adam"), (p["optimizer"].Kind, p["optimizer"].Text));
        Assert.Equal((ParamKind.Bool, "true"), (p["nesterov"].Kind, p["nesterov"].Text));
        Assert.Equal((ParamKind.Json, "[32,64]"), (p["layers"].Kind, p["layers"].Text));
    }

    [Fact]
    public void Logging_a_param_again_with_the_same_value_is_fine()
    {
        using var run = Tracker.StartRun("exp");
        run.LogParam("batch_size", 32);

        run.LogParam("batch_size", 32.0);

        Assert.Equal("32", Store.GetRun(run.Id)!.Params["batch_size"].Text);
    }

    [Fact]
    public void Logging_a_param_with_a_different_value_names_the_key_and_both_values_and_stores_nothing_of_the_batch()
    {
        using var run = Tracker.StartRun("exp");
        run.LogParam("optimizer", "adam");

        var error = Assert.Throws<ParamConflictException>(() => run.LogParams(new Dictionary<string, object> { ["epochs"] = 5, ["optimizer"] = "sgd" }));

        Assert.Contains("'optimizer'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'adam'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'sgd'", error.Message, StringComparison.Ordinal);
        var stored = Store.GetRun(run.Id)!.Params;
        Assert.Equal("adam", stored["optimizer"].Text);
        Assert.False(stored.ContainsKey("epochs"));
    }

    [Fact]
    public void A_param_changing_type_is_a_conflict()
    {
        using var run = Tracker.StartRun("exp");
        run.LogParam("epochs", 5);

        Assert.Throws<ParamConflictException>(() => run.LogParam("epochs", "5"));
    }

    [Fact]
    public void Metric_history_comes_back_in_logging_order_across_flushes()
    {
        using var run = Tracker.StartRun("exp");
        var expected = new List<(long Step, double Value, int? Epoch)>();
        for (var i = 0; i < 250; i++)
        {
            run.LogMetric("loss", 1.0 / (i + 1), step: i, epoch: i / 10);
            expected.Add((i, 1.0 / (i + 1), i / 10));
            if (i % 70 == 0)
            {
                run.Flush();
            }
        }

        run.Flush();

        var history = Store.GetMetricHistory(run.Id, "loss");
        Assert.Equal(expected, history.Select(p => (p.Step, p.Value, p.Epoch)).ToList());
        Assert.All(history, p => Assert.Equal(_clock.GetUtcNow(), p.Timestamp));
    }

    [Fact]
    public void Metric_summary_is_last_min_max_with_their_steps_worked_by_hand()
    {
        using var run = Tracker.StartRun("exp");
        // steps:  0    1    2     3     4   5   10   7
        // values: 3   NaN   1   +Inf    1   2    4   0.5 (logged after step 10: does not become last)
        double[] values = [3, double.NaN, 1, double.PositiveInfinity, 1, 2, 4, 0.5];
        long[] steps = [0, 1, 2, 3, 4, 5, 10, 7];
        for (var i = 0; i < values.Length; i++)
        {
            run.LogMetric("m", values[i], step: steps[i]);
            if (i == 3)
            {
                run.Flush(); // the summary must carry across batches
            }
        }

        run.Flush();

        var summary = Store.GetRun(run.Id)!.Metrics["m"];
        Assert.Equal(4, summary.Last);
        Assert.Equal(10, summary.LastStep);
        Assert.Equal(0.5, summary.Min);
        Assert.Equal(7, summary.MinStep);
        Assert.Equal(double.PositiveInfinity, summary.Max);
        Assert.Equal(3, summary.MaxStep);
        Assert.Equal(8, summary.Count);
    }

    [Fact]
    public void NaN_and_infinities_are_stored_as_such()
    {
        using var run = Tracker.StartRun("exp");
        run.LogMetric("nan", double.NaN);
        run.LogMetric("pinf", double.PositiveInfinity);
        run.LogMetric("ninf", double.NegativeInfinity);
        run.Flush();

        var metrics = Store.GetRun(run.Id)!.Metrics;

        Assert.True(double.IsNaN(metrics["nan"].Last));
        Assert.True(double.IsNaN(metrics["nan"].Min));
        Assert.Equal(double.PositiveInfinity, metrics["pinf"].Last);
        Assert.Equal(double.NegativeInfinity, metrics["ninf"].Last);
        Assert.True(double.IsNaN(Store.GetMetricHistory(run.Id, "nan").Single().Value));
    }

    [Fact]
    public void Steps_default_to_counting_per_metric()
    {
        using var run = Tracker.StartRun("exp");
        run.LogMetric("a", 1);
        run.LogMetric("a", 2);
        run.LogMetric("b", 3);
        run.LogMetric("a", 4);
        run.Flush();

        Assert.Equal([0L, 1L, 2L], Store.GetMetricHistory(run.Id, "a").Select(p => p.Step).ToArray());
        Assert.Equal([0L], Store.GetMetricHistory(run.Id, "b").Select(p => p.Step).ToArray());
    }

    [Fact]
    public void Tags_last_write_wins()
    {
        using var run = Tracker.StartRun("exp");
        run.SetTag("stage", "dev");
        run.Flush();
        run.SetTag("stage", "prod");
        run.Flush();

        Assert.Equal("prod", Store.GetRun(run.Id)!.Tags["stage"]);
    }

    [Fact]
    public void Dataset_records_link_to_runs_with_a_role_and_the_augmentation_applied()
    {
        var data = new DatasetRecord(
            "art_data", new string('a', 64),
            new Dictionary<string, SplitShape> { ["train"] = new([7721, 3, 100, 100], [7721]), ["validation"] = new([856, 3, 100, 100], [856]) },
            ["drawings", "painting"], "/data/art");
        using var first = Tracker.StartRun("exp");
        using var second = Tracker.StartRun("exp");

        first.LogDataset(data, "train", """{"rotation_range": 90}""");
        first.LogDataset(data, "validation");
        second.LogDataset(data, "train");

        var uses = Store.GetRun(first.Id)!.Datasets;
        Assert.Equal(["train", "validation"], uses.Select(u => u.Role).ToArray());
        Assert.Equal("""{"rotation_range": 90}""", uses[0].Augmentations);
        Assert.Null(uses[1].Augmentations);
        Assert.Equal(data.Fingerprint, uses[0].Dataset.Fingerprint);
        Assert.Equal([7721L, 3, 100, 100], uses[0].Dataset.Splits["train"].X);
        Assert.Equal(["drawings", "painting"], uses[0].Dataset.ClassNames);
        Assert.Null(Store.GetRun(second.Id)!.Datasets.Single().Augmentations);
    }

    [Fact]
    public void Model_record_round_trips()
    {
        using var run = Tracker.StartRun("exp");
        var model = new ModelRecord("basic_cnn", """{"layers":[]}""", 922_565, 900_000, 3_690_260, "digraph g { a -> b }");

        run.LogModel(model);

        Assert.Equal(model, Store.GetRun(run.Id)!.Model);
    }

    [Fact]
    public void Artifacts_keep_size_and_sha256_and_read_back_byte_for_byte()
    {
        using var run = Tracker.StartRun("exp");
        var bytes = new byte[200_000];
        new Random(3).NextBytes(bytes);
        using var source = new MemoryStream(bytes);

        var info = run.LogArtifact("weights/best.safetensors", source);

        Assert.True(source.CanRead, "the caller's stream is the caller's to close");
        Assert.Equal(new ArtifactInfo("weights/best.safetensors", bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))), info);
        Assert.Equal([info], Store.ListArtifacts(run.Id));
        using var read = Store.OpenArtifact(run.Id, "weights/best.safetensors");
        using var copy = new MemoryStream();
        read.CopyTo(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/%2e%2e/escape.txt")]
    [InlineData("a\\..\\escape.txt")]
    [InlineData("")]
    public void Artifact_paths_that_could_leave_the_run_folder_are_refused(string path)
    {
        using var run = Tracker.StartRun("exp");

        Assert.Throws<ArgumentException>(() => run.LogArtifact(path, new MemoryStream([1, 2, 3])));
        Assert.Empty(Store.ListArtifacts(run.Id));
    }

    [Fact]
    public void Run_is_found_by_a_unique_prefix_and_an_ambiguous_prefix_is_an_error()
    {
        var ids = Enumerable.Range(0, 40).Select(_ => Tracker.StartRun("exp").Id).ToList();
        var unique = ids[0][..12];

        Assert.Equal(ids[0], Store.GetRun(unique)!.Info.Id);
        Assert.Null(Store.GetRun("zzzz"));
        var shared = ids.GroupBy(id => id[..1]).First(g => g.Count() > 1).Key;
        Assert.Throws<ArgumentException>(() => Store.GetRun(shared));
    }

    [Fact]
    public void Search_filters_orders_and_limits()
    {
        foreach (var (name, accuracy, optimizer) in new[] { ("a", 0.7, "adam"), ("b", 0.9, "sgd"), ("c", 0.8, "adam"), ("d", 0.95, "adam") })
        {
            using var run = Tracker.StartRun("exp", name);
            run.LogParam("optimizer", optimizer);
            run.LogMetric("val_accuracy", accuracy);
            run.End();
        }

        var found = Store.SearchRuns(RunQuery.Parse("params.optimizer = 'adam' ORDER BY metrics.val_accuracy DESC LIMIT 2"));

        Assert.Equal(["d", "c"], found.Select(r => r.Info.Name).ToArray());
        Assert.Equal(3, Store.CountRuns(RunQuery.Parse("params.optimizer = 'adam'")));
    }

    [Fact]
    public void Pages_of_a_search_with_limit_and_offset_join_into_the_whole_ordered_list()
    {
        for (var i = 0; i < 7; i++)
        {
            using var run = Tracker.StartRun("exp", $"r{i}");
            run.LogMetric("val_accuracy", (i * 3 % 7) / 10.0); // 0, .3, .6, .2, .5, .1, .4
            run.End();
        }

        var order = RunQuery.Parse("ORDER BY metrics.val_accuracy DESC");
        var whole = Store.SearchRuns(order).Select(r => r.Info.Name).ToList();
        var pages = new[] { 0, 3, 6, 9 }.SelectMany(offset => Store.SearchRuns(order with { Limit = 3, Offset = offset })).Select(r => r.Info.Name).ToList();

        Assert.Equal(["r2", "r4", "r6", "r1", "r3", "r5", "r0"], whole);
        Assert.Equal(whole, pages);
        Assert.Equal(["r5", "r0"], Store.SearchRuns(RunQuery.Parse("ORDER BY metrics.val_accuracy DESC OFFSET 5")).Select(r => r.Info.Name));
        Assert.Equal(7, Store.CountRuns(order with { Limit = 3, Offset = 6 }));
    }

    [Fact]
    public void A_projection_loads_only_the_named_params_and_metrics_while_the_filter_sees_them_all()
    {
        using (var run = Tracker.StartRun("exp", "projected"))
        {
            run.LogParams(new Dictionary<string, object> { ["optimizer"] = "adam", ["lr"] = 0.01, ["seed_text"] = "x" });
            foreach (var key in new[] { "val_accuracy", "loss", "precision/cat", "precision/dog", "recall/cat", "precision" })
            {
                run.LogMetric(key, 0.5);
            }

            run.SetTag("stage", "dev");
            run.End();
        }

        var only = new RunProjection(["optimizer", "absent"], ["val_accuracy"], ["precision/"]);
        var found = Assert.Single(Store.SearchRuns(RunQuery.Parse("params.lr = 0.01 AND metrics.loss < 1") with { Only = only }));

        Assert.Equal(["optimizer"], found.Params.Keys);
        Assert.Equal(["precision/cat", "precision/dog", "val_accuracy"], found.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("dev", found.Tags["stage"]);
        Assert.Equal(3, Store.SearchRuns(RunQuery.All).Single().Params.Count);
    }

    [Fact]
    public void NaN_infinities_and_missing_values_sort_last_both_ways()
    {
        var values = new Dictionary<string, double?>
        {
            ["half"] = 0.5, ["nan"] = double.NaN, ["high"] = 0.9, ["pinf"] = double.PositiveInfinity,
            ["ninf"] = double.NegativeInfinity, ["missing"] = null, ["mid"] = 0.7,
        };
        foreach (var (name, value) in values)
        {
            using var run = Tracker.StartRun("exp", name);
            if (value is { } v)
            {
                run.LogMetric("acc", v);
            }

            run.End();
        }

        var descending = Store.SearchRuns(RunQuery.Parse("ORDER BY metrics.acc DESC")).Select(r => r.Info.Name).ToList();
        var ascending = Store.SearchRuns(RunQuery.Parse("ORDER BY metrics.acc ASC")).Select(r => r.Info.Name).ToList();

        Assert.Equal(["high", "mid", "half"], descending.Take(3));
        Assert.Equal(["half", "mid", "high"], ascending.Take(3));
        Assert.Equal(["missing", "nan", "ninf", "pinf"], descending.Skip(3).Order(StringComparer.Ordinal));
        Assert.Equal(["missing", "nan", "ninf", "pinf"], ascending.Skip(3).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_run_is_renamed_and_moved_to_a_new_experiment()
    {
        string id;
        using (var run = Tracker.StartRun("old", "before"))
        {
            run.LogMetric("val_accuracy", 0.5);
            id = run.Id;
        }

        Store.UpdateRun(id, new RunUpdate(Name: "after"));
        Store.UpdateRun(id, new RunUpdate(Experiment: "new"));

        var moved = Store.GetRun(id)!;
        Assert.Equal(("after", "new"), (moved.Info.Name, moved.Info.Experiment));
        Assert.Equal(0.5, moved.Metrics["val_accuracy"].Last);
        Assert.Contains(Store.ListExperiments(), e => e.Name == "new");
        Assert.Equal(id, Assert.Single(Store.SearchRuns(RunQuery.All with { Experiment = "new" })).Info.Id);
        Assert.Empty(Store.SearchRuns(RunQuery.All with { Experiment = "old" }));
    }

    [Fact]
    public void A_tag_is_removed_and_the_others_stay()
    {
        using var run = Tracker.StartRun("exp");
        run.SetTag("stage", "dev");
        run.SetTag("owner", "ana/b");
        run.Flush();

        Store.DeleteTag(run.Id, "stage");
        Store.DeleteTag(run.Id, "never-set");

        Assert.Equal(new Dictionary<string, string> { ["owner"] = "ana/b" }, Store.GetRun(run.Id)!.Tags);
    }

    [Fact]
    public void A_run_in_the_trash_is_left_out_of_searches_counts_and_keys_until_restored()
    {
        string kept, trashed;
        using (var run = Tracker.StartRun("exp", "kept"))
        {
            run.LogMetric("val_accuracy", 0.5);
            kept = run.Id;
        }

        using (var run = Tracker.StartRun("exp", "trashed"))
        {
            run.LogMetric("only_here", 1);
            trashed = run.Id;
        }

        Store.SetDeleted(trashed, deleted: true);

        Assert.Equal([kept], Store.SearchRuns(RunQuery.All).Select(r => r.Info.Id));
        Assert.Equal(1, Store.CountRuns(RunQuery.All));
        Assert.DoesNotContain("only_here", Store.ListKeys(null).Metrics);
        Assert.Equal([trashed], Store.SearchRuns(RunQuery.All with { Trash = true }).Select(r => r.Info.Id));
        Assert.Equal(1, Store.CountRuns(RunQuery.All with { Trash = true }));
        Assert.NotNull(Store.GetRun(trashed)!.Info.TrashedTime);
        Assert.Null(Store.GetRun(kept)!.Info.TrashedTime);

        Store.SetDeleted(trashed, deleted: false);

        Assert.Equal(2, Store.CountRuns(RunQuery.All));
        Assert.Null(Store.GetRun(trashed)!.Info.TrashedTime);
        Assert.Equal(1.0, Store.GetRun(trashed)!.Metrics["only_here"].Last);
    }

    [Fact]
    public void Purging_takes_a_run_in_the_trash_with_its_artifacts_and_refuses_one_in_use()
    {
        string id;
        using (var run = Tracker.StartRun("exp"))
        {
            run.LogMetric("val_accuracy", 0.5);
            run.LogArtifact("notes.txt", new MemoryStream([1, 2, 3]));
            id = run.Id;
        }

        var refused = Assert.ThrowsAny<ArgumentException>(() => Store.PurgeRun(id));
        Assert.Contains("not in the trash", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(Store.GetRun(id));

        Store.SetDeleted(id, deleted: true);
        Store.PurgeRun(id);

        Assert.Null(Store.GetRun(id));
        Assert.Empty(Store.SearchRuns(RunQuery.All with { Trash = true }));
        Assert.Empty(Store.ListKeys(null).Metrics);
    }
}
