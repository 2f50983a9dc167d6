using System.Text.Json;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>The podium command as a user meets it: a real process over a real store.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "podium-cli-tests", Guid.NewGuid().ToString("N"));

    public CommandLineTests()
    {
        Directory.CreateDirectory(_folder);
        var (code, _, err) = PodiumProcess.Run(_folder, "example");
        Assert.True(code == 0, err);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private (int ExitCode, string Out, string Err) Podium(params string[] arguments) =>
        PodiumProcess.Run(_folder, [.. arguments, "--store", "podium-example"]);

    [Fact]
    public void Board_ranks_the_example_runs_by_validation_accuracy()
    {
        var (code, output, _) = Podium("board", "--format", "json", "--columns", "rank,run,val_accuracy");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var accuracies = json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("val_accuracy").GetDouble()).ToList();
        Assert.Equal(12, accuracies.Count);
        Assert.Equal(accuracies.OrderDescending(), accuracies);
    }

    [Fact]
    public void Board_filters_orders_and_limits()
    {
        var (code, output, _) = Podium("board", "--filter", "params.optimizer = 'sgd'", "--order-by", "params.batch_size ASC",
            "--columns", "run,optimizer,batch_size", "--format", "csv");

        Assert.Equal(0, code);
        Assert.Equal(
            "run,optimizer,batch_size\r\nbasic_cnn-sgd-b16,sgd,16\r\nvgg16-sgd-b16,sgd,16\r\nbasic_cnn-sgd-b32,sgd,32\r\nvgg16-sgd-b32,sgd,32\r\n"
                .Split("\r\n").Order(StringComparer.Ordinal),
            output.Split("\r\n").Order(StringComparer.Ordinal));
        Assert.StartsWith("run,optimizer,batch_size\r\n", output, StringComparison.Ordinal);
        Assert.EndsWith("sgd,32\r\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Board_writes_every_format_to_a_file()
    {
        foreach (var format in new[] { "csv", "json", "md", "html" })
        {
            var file = Path.Combine(_folder, "board." + format);

            var (code, output, _) = Podium("board", "--format", format, "--output", file);

            Assert.Equal(0, code);
            Assert.Contains("wrote 12 runs", output, StringComparison.Ordinal);
            Assert.Contains("vgg16-adam-b16", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Board_in_the_terminal_shows_a_table_and_the_query()
    {
        var (code, output, _) = Podium("board", "--limit", "3");

        Assert.Equal(0, code);
        Assert.Contains("val_accuracy", output, StringComparison.Ordinal);
        Assert.Contains("3 of 12 finished runs · ORDER BY metrics.val_accuracy DESC LIMIT 3 · --limit N shows more", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Board_in_the_terminal_shows_the_top_50_of_many_runs_and_files_get_them_all()
    {
        // Given 60 runs: the 12 examples and 48 more
        using (var tracker = global::Podium.Tracking.Tracker.Open(Path.Combine(_folder, "podium-example")))
        {
            for (var i = 0; i < 48; i++)
            {
                using var run = tracker.StartRun("many", name: $"extra-{i:00}");
                run.LogMetric("val_accuracy", i / 100.0);
                run.End();
            }
        }

        // When the board is printed, and written as CSV
        var (code, output, _) = Podium("board", "--columns", "rank,run");
        var (csvCode, csv, _) = Podium("board", "--columns", "rank,run", "--format", "csv");

        // Then the terminal gets 50 rows and says how to see the rest; the file gets all 60
        Assert.Equal((0, 0), (code, csvCode));
        Assert.Contains("50 of 60 finished runs · ORDER BY metrics.val_accuracy DESC LIMIT 50 · --limit N shows more", output, StringComparison.Ordinal);
        Assert.Contains("│   50 │", output, StringComparison.Ordinal);
        Assert.DoesNotContain("│   51 │", output, StringComparison.Ordinal);
        Assert.Equal(61, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData(new[] { "board", "--bogus" }, "--bogus")]
    [InlineData(new[] { "board", "--format", "xml" }, "xml")]
    [InlineData(new[] { "board", "--limit", "many" }, "many")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    public void A_bad_flag_exits_2_with_one_line_naming_it(string[] arguments, string named)
    {
        var (code, output, error) = Podium(arguments);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("podium: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "bord" }, "did you mean 'board'?")]
    [InlineData(new[] { "sweeep", "x.yaml" }, "did you mean 'sweep'?")]
    [InlineData(new[] { "board", "--limt", "3" }, "did you mean '--limit'?")]
    [InlineData(new[] { "board", "--colums", "run" }, "did you mean '--columns'?")]
    public void A_misspelled_command_or_option_gets_a_suggestion(string[] arguments, string suggestion)
    {
        var (code, _, error) = Podium(arguments);

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(suggestion, line, StringComparison.Ordinal);
        Assert.DoesNotContain(".;", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "board", "--filter", "metrics.val_acuracy > 0.8" }, "podium: query error at column 1 near 'metrics.val_acuracy': no run has metrics.val_acuracy; did you mean metrics.val_accuracy? (--allow-missing runs it anyway)")]
    [InlineData(new[] { "runs", "--filter", "params.optimzer = 'adam'" }, "podium: query error at column 1 near 'params.optimzer': no run has params.optimzer; did you mean params.optimizer? (--allow-missing runs it anyway)")]
    [InlineData(new[] { "board", "--order-by", "metrics.val_los ASC" }, "podium: query error at column 1 near 'metrics.val_los': no run has metrics.val_los; did you mean metrics.val_loss? (--allow-missing runs it anyway)")]
    [InlineData(new[] { "board", "--columns", "run,metrics.nope" }, "podium: query error at column 1 near 'metrics.nope': no run has metrics.nope (--allow-missing runs it anyway)")]
    [InlineData(new[] { "board", "--filter", "metrics.batch_size > 8" }, "podium: query error at column 1 near 'metrics.batch_size': no run has metrics.batch_size; did you mean params.batch_size? (--allow-missing runs it anyway)")]
    [InlineData(new[] { "board", "--experiment", "example (simulatd)" }, "podium: no experiment 'example (simulatd)'; did you mean 'example (simulated)'? (the store has: example (simulated))")]
    public void A_misspelled_name_exits_2_with_did_you_mean(string[] arguments, string expected)
    {
        var (code, output, error) = Podium(arguments);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(expected + "\n", error);
    }

    [Fact]
    public void Allow_missing_runs_a_query_on_a_key_no_run_has_yet()
    {
        var (code, output, error) = Podium("board", "--filter", "metrics.test_accuracy > 0.5", "--allow-missing");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.StartsWith("no finished runs match", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "board", "-n", "-1" }, "podium: the limit must be at least 1, got -1")]
    [InlineData(new[] { "compare", "abc" }, "podium: compare needs two or more runs to set side by side, got one ('abc'); podium show RUN shows one run")]
    public void A_value_out_of_range_is_one_plain_line(string[] arguments, string expected)
    {
        var (code, _, error) = Podium(arguments);

        Assert.Equal(2, code);
        Assert.Equal(expected + "\n", error);
    }

    [Theory]
    [InlineData("metrics.val_accuracy = 'abc'", "column 24")]
    [InlineData("params.optimizer = 'adam", "unterminated string")]
    [InlineData("nonsense.x > 1", "unknown field")]
    public void A_bad_query_exits_2_with_one_line_pointing_at_the_token(string filter, string expected)
    {
        var (code, _, error) = Podium("board", "--filter", filter);

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_lists_runs_and_show_prints_one_by_prefix()
    {
        var (code, output, _) = Podium("board", "--format", "json", "--columns", "run_id,run", "--limit", "1");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var id = json.RootElement.GetProperty("rows")[0].GetProperty("run_id").GetString()!;

        var runs = Podium("runs", "--limit", "50");
        var show = Podium("show", id[..10]);

        Assert.Equal(0, runs.ExitCode);
        Assert.Contains(id[..8], runs.Out, StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains(id, show.Out, StringComparison.Ordinal);
        Assert.Contains("vgg16-adam-b16", show.Out, StringComparison.Ordinal);
        Assert.Contains("data (train): art_data", show.Out, StringComparison.Ordinal);
        Assert.Contains("val_accuracy", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_finds_a_run_by_its_name_too()
    {
        var (code, output, _) = Podium("show", "vgg16-adam-b16");

        Assert.Equal(0, code);
        Assert.Contains("vgg16-adam-b16", output, StringComparison.Ordinal);
        Assert.Contains("data (train): art_data", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_of_an_unknown_run_exits_2_naming_it()
    {
        var (code, _, error) = Podium("show", "deadbeef");

        Assert.Equal(2, code);
        Assert.Contains("'deadbeef'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Experiments_lists_the_example_experiment_with_its_run_count()
    {
        var (code, output, _) = Podium("experiments");

        Assert.Equal(0, code);
        Assert.Contains("example (simulated)", output, StringComparison.Ordinal);
        Assert.Contains("12", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_store_that_is_not_podiums_exits_1_and_is_left_untouched()
    {
        var path = Path.Combine(_folder, "mine.db");
        File.WriteAllText(path, "my own file");

        var (code, _, error) = PodiumProcess.Run(_folder, "board", "--store", path);

        Assert.Equal(1, code);
        Assert.Contains("not a Podium store", error, StringComparison.Ordinal);
        Assert.Equal("my own file", File.ReadAllText(path));
    }

    [Fact]
    public void The_example_writes_to_the_store_PODIUM_TRACKING_URI_names()
    {
        var (code, output, error) = PodiumProcess.RunWith(_folder, new Dictionary<string, string> { ["PODIUM_TRACKING_URI"] = "from-environment" }, "example");

        Assert.True(code == 0, error);
        Assert.Contains("from-environment", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_folder, "from-environment", "podium.db")));
    }

    [Fact]
    public void Running_the_example_again_adds_no_copies()
    {
        var (code, output, _) = PodiumProcess.Run(_folder, "example");

        Assert.Equal(0, code);
        Assert.Contains("already holds the example's 12 simulated runs", output, StringComparison.Ordinal);
        Assert.Contains("12 of 12 finished runs", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_example_makes_as_many_runs_as_asked_some_killed_or_failed_and_the_board_ranks_the_finished()
    {
        var (code, output, error) = PodiumProcess.Run(_folder, "example", "--runs", "300", "--store", "big");

        Assert.True(code == 0, error);
        Assert.Matches(@"^wrote 300 simulated runs to \S+ in [0-9.]+ s\n", output);
        using var tracker = global::Podium.Tracking.Tracker.OpenExisting(Path.Combine(_folder, "big"));
        var runs = tracker.SearchRuns(null);
        Assert.Equal(300, runs.Count);
        var finished = runs.Count(r => r.Info.Status == global::Podium.Tracking.RunStatus.Finished);
        Assert.InRange(finished, 250, 299);
        Assert.Contains(runs, r => r.Info.Status == global::Podium.Tracking.RunStatus.Killed);
        Assert.Contains($"50 of {finished} finished runs", output, StringComparison.Ordinal);
        var all = PodiumProcess.Run(_folder, "board", "--status", "all", "--format", "csv", "--columns", "run,status", "--store", "big").Out;
        Assert.Equal(301, all.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal((2, "podium: --runs must be between 1 and 1,000,000, got 0\n"), Pick(PodiumProcess.Run(_folder, "example", "--runs", "0", "--store", "none")));
    }

    private static (int, string) Pick((int ExitCode, string Out, string Err) result) => (result.ExitCode, result.Err);

    [Fact]
    public void Reading_a_store_that_does_not_exist_says_so_and_creates_nothing()
    {
        var (code, _, error) = PodiumProcess.Run(_folder, "board", "--store", "typo");

        Assert.Equal(1, code);
        Assert.Contains("no Podium store at 'typo'", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "typo")));
    }

    [Fact]
    public void Help_has_examples()
    {
        var (code, output, _) = Podium("board", "--help");

        Assert.Equal(0, code);
        Assert.Contains("Examples:", output, StringComparison.Ordinal);
        Assert.Contains("--filter", output, StringComparison.Ordinal);
    }
}
