using Podium.Tests;
using Podium.Tracking;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>podium serve as a real process: it answers on loopback, stops on Ctrl+C, and will not listen beyond loopback without a token.</summary>
public sealed class ServeCommandTests : IDisposable
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

        using var podium = PodiumProcess.Serve(_folder.Path, out var url, "--store", "store", "--port", "0");

        using var client = new HttpClient { BaseAddress = new Uri(url) };
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
}
