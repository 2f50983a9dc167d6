using System.Net;
using System.Text.Json;
using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Server.Tests;

/// <summary>The best-of-sweep view over HTTP: a "where" is joined to it as a tree, so its text cannot widen the view.</summary>
public sealed class LeaderboardScopeTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private LoopbackServer? _server;

    public async Task InitializeAsync()
    {
        using (var tracker = Tracker.Open(_folder.Path, new TrackerOptions { CaptureSource = false }))
        {
            Add(tracker, "plain", 0.5, []);
            for (var i = 0; i < 3; i++)
            {
                Add(tracker, $"trial-{i}", 0.6 + (i / 10.0), i == 2 ? [(RunTags.Sweep, "s1"), (RunTags.SweepBest, "true")] : [(RunTags.Sweep, "s1")]);
            }
        }

        _server = await LoopbackServer.Start(_folder.Path);
    }

    public async Task DisposeAsync()
    {
        await _server!.DisposeAsync();
        _folder.Dispose();
    }

    private static void Add(Tracker tracker, string name, double accuracy, (string Key, string Value)[] tags)
    {
        using var run = tracker.StartRun("e", name: name);
        run.LogMetric("val_accuracy", accuracy);
        foreach (var (key, value) in tags)
        {
            run.SetTag(key, value);
        }

        run.End();
    }

    private async Task<(HttpStatusCode Status, string[] Runs)> Board(string where)
    {
        var response = await _server!.Client.GetAsync("/api/leaderboard?best_of_sweep=true&columns=run&where=" + Uri.EscapeDataString(where));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, []);
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, [.. json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("run").GetString()!)]);
    }

    [Fact]
    public async Task A_where_narrows_the_best_of_sweep_view_and_cannot_widen_it()
    {
        var narrowed = await Board("metrics.val_accuracy > 0.55");
        var injected = await Board("attributes.run_name != 'x') OR (attributes.run_name != 'x'");
        var widened = await Board("attributes.run_name != 'x' OR attributes.run_name != 'x'");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.OK), (narrowed.Status, injected.Status, widened.Status));
        Assert.Equal(["trial-2"], narrowed.Runs);
        Assert.Equal(["trial-2", "plain"], widened.Runs);
    }
}
