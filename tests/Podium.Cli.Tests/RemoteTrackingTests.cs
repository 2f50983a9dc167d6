using System.Diagnostics;
using System.Text.RegularExpressions;
using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>
/// Remote tracking as a team meets it: <c>podium serve</c> in one process, <c>podium run</c> in another with
/// PODIUM_TRACKING_URI pointing at it; the server killed under a run.
/// </summary>
public sealed class RemoteTrackingTests : IDisposable
{
    private const string Token = "team-token";
    private const string Tiny = "data: {source: shapes, count: 120, size: 16, classes: 3}\nmodel: basic_cnn\nmodel_width: 0.25\npadding: same\nbatch_size: 16\nlearning_rate: 0.005\n";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private PodiumProcess.Background Serve(out string url) =>
        PodiumProcess.Serve(_folder.Path, out url, "--store", "served", "--port", "0", "--token", Token);

    private (int ExitCode, string Out, string Err) Remote(string url, string? token, params string[] arguments)
    {
        var environment = new Dictionary<string, string> { ["PODIUM_TRACKING_URI"] = url };
        if (token is not null)
        {
            environment["PODIUM_TRACKING_TOKEN"] = token;
        }

        return PodiumProcess.RunWith(_folder.Path, environment, arguments);
    }

    [Fact]
    public void A_run_logged_through_the_server_is_whole_in_its_store_and_reproduces_bit_identical_through_it()
    {
        File.WriteAllText(_folder.File("tiny.yaml"), Tiny + "epochs: 2\n");
        using var server = Serve(out var url);

        var (code, output, error) = Remote(url, Token, "run", "tiny.yaml", "-q");
        Assert.True(code == 0, output + error);

        string id;
        using (var served = Tracker.OpenExisting(_folder.File("served")))
        {
            var run = Assert.Single(served.SearchRuns(null));
            id = run.Info.Id;
            Assert.Equal(RunStatus.Finished, run.Info.Status);
            Assert.Equal(2, run.Metrics["val_loss"].Count);
            Assert.Equal(["train", "validation"], run.Datasets.Select(d => d.Role).Order());
            Assert.Equal("basic_cnn", run.Model?.Name);
            Assert.Contains(served.Store.ListArtifacts(id), a => a.Path == "spec.json");
            Assert.Contains("tiny.yaml", run.Info.Source.CommandLine, StringComparison.Ordinal);
        }

        (code, output, error) = Remote(url, Token, "reproduce", id[..8], "--threads", "1");

        Assert.True(code == 0, output + error);
        Assert.Contains("bit-identical: all", output);
        using var store = Tracker.OpenExisting(_folder.File("served"));
        Assert.Single(store.SearchRuns($"tags.{RunTags.Reproduces} = '{id}'"));
    }

    [Fact]
    public void Without_the_token_a_run_fails_in_one_line_and_the_served_store_gains_nothing()
    {
        File.WriteAllText(_folder.File("tiny.yaml"), Tiny + "epochs: 1\n");
        using var server = Serve(out var url);

        var (code, output, error) = Remote(url, null, "run", "tiny.yaml", "-q");

        Assert.Equal(1, code);
        Assert.Equal($"podium: the Podium server at {url} wants a token: set PODIUM_TRACKING_TOKEN to the token it was started with (--token)\n", error);
        Assert.Equal("", output);
        using var served = Tracker.OpenExisting(_folder.File("served"));
        Assert.Empty(served.SearchRuns(null));
    }

    [Fact]
    public void Killing_the_server_under_a_run_stops_the_run_with_one_line_naming_the_server()
    {
        File.WriteAllText(_folder.File("long.yaml"), Tiny + "epochs: 500\n");
        using var server = Serve(out var url);
        var environment = new Dictionary<string, string> { ["PODIUM_TRACKING_URI"] = url, ["PODIUM_TRACKING_TOKEN"] = Token };
        using var run = PodiumProcess.StartInBackground(_folder.Path, environment, "run", "long.yaml", "-q");
        var clock = Stopwatch.StartNew();
        while (EpochsLogged() < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !run.Process.HasExited, "the run did not log two epochs: " + run.Output);
            Thread.Sleep(100);
        }

        server.Process.Kill(entireProcessTree: true);
        server.Process.WaitForExit();

        Assert.Equal(1, run.WaitForExit());
        Assert.Matches($@"^podium: cannot reach the Podium server at {Regex.Escape(url)}: [^\n]+$", run.Output.TrimEnd());
    }

    private int EpochsLogged()
    {
        using var served = Tracker.OpenExisting(_folder.File("served"));
        return served.SearchRuns(null).Select(r => r.Metrics.TryGetValue("val_loss", out var m) ? (int)m.Count : 0).DefaultIfEmpty().Max();
    }
}
