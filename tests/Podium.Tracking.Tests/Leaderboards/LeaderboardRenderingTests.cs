using Podium.Tests;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Tracking.Tests.Leaderboards;

/// <summary>The leaderboard of a small, fixed store, rendered in every format and compared with snapshots.</summary>
public sealed class LeaderboardRenderingTests : IDisposable
{
    private static readonly string[] Columns = [.. LeaderboardColumn.DefaultNames.Where(c => c != "run_id")];

    private readonly TempFolder _folder = new();
    private readonly Tracker _tracker;

    public LeaderboardRenderingTests()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 4, 1, 8, 0, 0, TimeSpan.Zero));
        _tracker = Tracker.Open(_folder.File("store"), new TrackerOptions { Clock = clock, CaptureSource = false });
        var data = new DatasetRecord(
            "art_data", new string('f', 64),
            new Dictionary<string, SplitShape> { ["train"] = new([7721, 3, 100, 100], [7721]), ["validation"] = new([856, 3, 100, 100], [856]) },
            ["painting", "sculpture"], "/data/art");
        AddRun(clock, data, "vgg16-adam", "vgg16", "adam", 32, 0.868, [0.9, 0.81], [0.84, 0.88], 14_877_461, TimeSpan.FromMinutes(42));
        AddRun(clock, data, "basic, \"quoted\" | piped", "basic_cnn", "sgd", 16, 0.7125, [0.7, 0.73], [0.75, 0.675], 922_565, TimeSpan.FromSeconds(75));
        AddRun(clock, data, "<script>alert(1)</script>", "basic_cnn", "adagrad", 8, double.NaN, [0.5, 0.5], [0.5, 0.5], 922_565, TimeSpan.FromSeconds(9.5));
    }

    public void Dispose()
    {
        _tracker.Dispose();
        _folder.Dispose();
    }

    private void AddRun(ManualClock clock, DatasetRecord data, string name, string model, string optimizer, int batch, double accuracy,
        double[] precision, double[] recall, long parameters, TimeSpan duration)
    {
        clock.Advance(TimeSpan.FromMinutes(1));
        var run = _tracker.StartRun("render", name);
        run.LogDataset(data, "train", """{"rotation_range":90,"zoom_range":0.2}""");
        run.LogDataset(data, "validation");
        run.LogParams(new Dictionary<string, object>
        {
            ["model"] = model, ["optimizer"] = optimizer, ["loss"] = "categorical_crossentropy", ["batch_size"] = batch, ["epochs"] = 10,
            ["width"] = 100, ["height"] = 100, ["channels"] = 3,
        });
        run.LogModel(new ModelRecord(model, "{}", parameters, parameters, parameters * 4, "digraph {}"));
        run.LogMetric(RunMetrics.ValAccuracy, accuracy);
        for (var c = 0; c < 2; c++)
        {
            run.LogMetric(RunMetrics.PrecisionPrefix + data.ClassNames[c], precision[c]);
            run.LogMetric(RunMetrics.RecallPrefix + data.ClassNames[c], recall[c]);
        }

        var f1 = precision.Zip(recall, (p, r) => 2 * p * r / (p + r)).Average();
        run.LogMetric(RunMetrics.PrecisionMacro, precision.Average());
        run.LogMetric(RunMetrics.RecallMacro, recall.Average());
        run.LogMetric(RunMetrics.F1Macro, f1);
        run.LogMetric(RunMetrics.RocAucMacro, 0.5 + accuracy / 2);
        run.LogMetric(RunMetrics.EpochsTrained, 10);
        run.LogMetric(RunMetrics.BestEpoch, 7);
        clock.Advance(duration);
        run.End();
    }

    private LeaderboardTable Board() => _tracker.Leaderboard(columns: Columns);

    [Fact]
    public void Csv_matches_snapshot() => Snapshot.Matches(Board().ToCsv(), "leaderboard.csv");

    [Fact]
    public void Json_matches_snapshot() => Snapshot.Matches(Board().ToJson(), "leaderboard.json");

    [Fact]
    public void Markdown_matches_snapshot() => Snapshot.Matches(Board().ToMarkdown(), "leaderboard.md");

    [Fact]
    public void Html_matches_snapshot() => Snapshot.Matches(Board().ToHtml(), "leaderboard.html");

    [Fact]
    public void Html_shows_a_script_in_a_run_name_as_text()
    {
        var html = Board().ToHtml();

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranks_follow_validation_accuracy_with_NaN_last()
    {
        var board = Board();

        Assert.Equal(["vgg16-adam", "basic, \"quoted\" | piped", "<script>alert(1)</script>"], board.Runs.Select(r => r.Info.Name));
        Assert.Equal([1L, 2L, 3L], board.Rows.Select(r => (long)r[0]!));
    }

    [Fact]
    public void Default_columns_hold_everything_the_prototype_csv_had()
    {
        var headers = _tracker.Leaderboard().Columns.Select(c => c.Header).ToList();

        Assert.Equal(
            ["rank", "run", "data", "model", "val_accuracy", "precision", "recall", "augmentations", "train_shape", "val_shape", "width", "height",
             "channels", "optimizer", "loss", "classes", "batch_size", "epochs", "mean_precision", "mean_recall", "macro_f1", "roc_auc",
             "parameters", "epochs_trained", "best_epoch", "duration", "status", "run_id"],
            headers);
    }

    [Fact]
    public void Chosen_columns_read_fields_and_aggregates()
    {
        var board = _tracker.Leaderboard(filter: "params.batch_size >= 16", orderBy: "params.batch_size ASC",
            columns: ["run", "params.batch_size", "metrics.val_accuracy.max", "model.params", "dataset.name"]);

        Assert.Equal(["run", "batch_size", "val_accuracy.max", "model.params", "dataset.name"], board.Columns.Select(c => c.Header));
        Assert.Equal([16.0, 32.0], board.Rows.Select(r => (double)r[1]!));
        Assert.Equal(922_565L, board.Rows[0][3]);
        Assert.Equal(2, board.Matching);
    }

    [Fact]
    public void An_unknown_column_is_a_query_error_that_names_it()
    {
        var error = Assert.Throws<QueryException>(() => _tracker.Leaderboard(columns: ["val_acc"]));

        Assert.Contains("val_acc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limit_counts_all_matching_runs()
    {
        var board = _tracker.Leaderboard(limit: 1);

        Assert.Single(board.Rows);
        Assert.Equal(3, board.Matching);
        Assert.EndsWith("LIMIT 1", board.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(0.995, "0.995")]
    [InlineData(0.99499999999999, "0.995")]
    [InlineData(0.98765, "0.9877")]
    [InlineData(0.5, "0.5")]
    [InlineData(123.456, "123.5")]
    [InlineData(9999.4, "9999")]
    [InlineData(12345.6, "12346")]
    [InlineData(0.001234, "0.001234")]
    [InlineData(0.000123456, "1.235e-04")]
    [InlineData(-0.00002, "-2e-05")]
    [InlineData(2520.0, "2520")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Numbers_for_people_follow_one_rule(double value, string shown) =>
        Assert.Equal(shown, LeaderboardFormat.Number(value));

    [Fact]
    public void Every_format_names_the_columns_alike()
    {
        var board = Board();
        var headers = board.Columns.Select(c => c.Header).ToList();

        Assert.Equal(string.Join(',', headers), board.ToCsv().Split("\r\n")[0]);
        Assert.Equal("| " + string.Join(" | ", headers) + " |", board.ToMarkdown().Split('\n')[0]);
        using var json = System.Text.Json.JsonDocument.Parse(board.ToJson());
        Assert.Equal(headers, json.RootElement.GetProperty("columns").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(headers, json.RootElement.GetProperty("rows")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Json_gives_per_class_values_and_augmentations_as_objects_and_numbers_round_trip()
    {
        using var json = System.Text.Json.JsonDocument.Parse(Board().ToJson());
        var row = json.RootElement.GetProperty("rows")[1];

        Assert.Equal(0.73, row.GetProperty("precision").GetProperty("sculpture").GetDouble());
        Assert.Equal(0.675, row.GetProperty("recall").GetProperty("sculpture").GetDouble());
        Assert.Equal(90, row.GetProperty("augmentations").GetProperty("rotation_range").GetInt32());
        var f1 = (0.7 * 0.75 * 2 / (0.7 + 0.75) + 0.73 * 0.675 * 2 / (0.73 + 0.675)) / 2;
        Assert.Equal(f1, row.GetProperty("macro_f1").GetDouble());
        Assert.Equal(75, row.GetProperty("duration").GetDouble());
    }

    [Fact]
    public void No_augmentation_is_an_empty_object_in_json_and_none_for_people()
    {
        using var run = _tracker.StartRun("plain", "no-augmentation");
        run.LogDataset(new DatasetRecord("plain", new string('e', 64), new Dictionary<string, SplitShape>(), ["a", "b"], "test"), "train");
        run.End();

        var board = _tracker.Leaderboard(experiment: "plain", columns: ["run", "augmentations"]);

        using var json = System.Text.Json.JsonDocument.Parse(board.ToJson());
        Assert.Empty(json.RootElement.GetProperty("rows")[0].GetProperty("augmentations").EnumerateObject());
        Assert.Contains("| no-augmentation | none |", board.ToMarkdown(), StringComparison.Ordinal);
    }
}
