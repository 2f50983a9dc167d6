using System.Diagnostics;
using System.Text.RegularExpressions;
using Podium.Tests;
using Podium.Tracking;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>podium serve as a real process: it answers on loopback, stops on Ctrl+C, and will not listen beyond loopback without a token.</summary>
public sealed partial class ServeCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Serve_answers_the_api_on_loopback_and_stops_on_ctrl_c()
    {
        using (var tracker = Tracker.Open(_folder.File("store"), new TrackerOptions { CaptureSource = false }))
        {
            using var run = tracker.StartRun("art", "served-run");
            run.LogMetric("val_accuracy", 0.5);
        }

        using var podium = PodiumProcess.StartInBackground(_folder.Path, "serve", "--store", "store", "--port", "0");
        var clock = Stopwatch.StartNew();
        Match listening;
        while (!(listening = Listening().Match(podium.Output)).Success)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30) && !podium.Process.HasExited, "podium serve did not start: " + podium.Output);
            await Task.Delay(100);
        }

        using var client = new HttpClient { BaseAddress = new Uri(listening.Groups[1].Value) };
        Assert.Contains("\"served-run\"", await client.GetStringAsync("/api/runs"));

        podium.Interrupt();
        Assert.Equal(0, podium.WaitForExit());
    }

    [Fact]
    public void Serve_refuses_to_listen_beyond_loopback_without_a_token()
    {
        using (Tracker.Open(_folder.File("store")))
        {
        }

        var (code, output, error) = PodiumProcess.Run(_folder.Path, "serve", "--store", "store", "--host", "0.0.0.0");

        Assert.Equal(2, code);
        Assert.Equal("podium: refusing to listen on 0.0.0.0 without --token: only loopback may go unauthenticated\n", error);
        Assert.Equal("", output);
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
