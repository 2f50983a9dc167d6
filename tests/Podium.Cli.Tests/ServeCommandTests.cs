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
    public async Task A_failure_it_did_not_foresee_answers_500_with_an_id_and_logs_the_error_under_that_id()
    {
        string id;
        using (var tracker = Tracker.Open(_folder.File("store"), new TrackerOptions { CaptureSource = false }))
        {
            using var run = tracker.StartRun("art", "broken-under-the-server");
            run.LogArtifact("notes.txt", new MemoryStream("kept"u8.ToArray()));
            id = run.Id;
        }

        using var podium = PodiumProcess.Serve(_folder.Path, out var url, "--store", "store", "--port", "0");
        // The store breaks while the server runs: the run's artifact folder becomes a file (a bad restore, a hand edit).
        var folder = Path.GetDirectoryName(Directory.EnumerateFiles(_folder.File("store"), "notes.txt", SearchOption.AllDirectories).Single())!;
        Directory.Delete(folder, recursive: true);
        File.WriteAllText(folder, "not a folder");

        using var client = new HttpClient { BaseAddress = new Uri(url) };
        using var response = await client.GetAsync($"/api/runs/{id}/artifacts/notes.txt");
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errorId = problem.RootElement.GetProperty("error_id").GetString()!;
        podium.Interrupt();
        podium.WaitForExit();

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal($"the server failed to answer (error {errorId}); its log has the details", problem.RootElement.GetProperty("detail").GetString());
        Assert.Matches("^[0-9a-f]{12}$", errorId);
        var logged = podium.Output.Split('\n').Single(line => line.Contains($"error {errorId}", StringComparison.Ordinal));
        Assert.StartsWith($"podium serve: error {errorId} on GET /api/runs/{id}/artifacts/notes.txt: ", logged, StringComparison.Ordinal);
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
