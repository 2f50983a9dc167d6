using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Podium.Tests;
using Podium.Tracking;
using Xunit;

namespace Podium.Server.Tests;

/// <summary>
/// 10,000 generated queries (HostileQueries: grammar, mutations, injections, unicode, deep nesting, huge IN lists, long
/// strings) against a real server on loopback, through every endpoint that takes a filter: no 5xx, no dropped
/// connection, every answer a result or a 400 with one clear line; the store is the same afterwards and the server
/// still answers.
/// </summary>
public sealed class HostileQueryTests : IAsyncLifetime
{
    private const int Queries = 10_000;
    private readonly TempFolder _folder = new();
    private LoopbackServer? _server;

    public async Task InitializeAsync()
    {
        using (var tracker = Tracker.Open(_folder.Path, new TrackerOptions { CaptureSource = false }))
        {
            for (var i = 0; i < 12; i++)
            {
                using var run = tracker.StartRun(i % 2 == 0 ? "e" : "École", name: i % 3 == 0 ? $"école-{i}" : $"run-{i}");
                run.LogParams(new Dictionary<string, object> { ["optimizer"] = i % 2 == 0 ? "adam" : "sgd", ["batch_size"] = 16 * (i + 1) });
                run.LogMetric("val_accuracy", 0.5 + (i / 40.0), step: 1);
                run.LogMetric("loss", 1.0 / (i + 1), step: 1);
                run.SetTag("stage", i % 4 == 0 ? "prod" : "dev");
                run.End(i % 5 == 0 ? RunStatus.Failed : RunStatus.Finished);
            }
        }

        _server = await LoopbackServer.Start(_folder.Path);
    }

    private HttpClient Client => _server!.Client;

    public async Task DisposeAsync()
    {
        await _server!.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Ten_thousand_hostile_queries_get_a_result_or_a_one_line_400()
    {
        var before = await Everything();
        var failures = new List<string>();
        var (results, refusals) = (0, 0);
        var i = 0;
        foreach (var (label, query) in HostileQueries.Generate(Queries, seed: 19))
        {
            using var response = await Send(i++ % 5, query);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                results++;
                using var _ = JsonDocument.Parse(body);
                continue;
            }

            refusals++;
            var detail = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                ? JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString() ?? ""
                : body;
            if (response.StatusCode == HttpStatusCode.RequestUriTooLong)
            {
                // Kestrel refuses a request line over 8 KB before any handler runs; large queries go in a POST body.
                continue;
            }

            if ((int)response.StatusCode >= 500 || response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge))
            {
                failures.Add($"{label}: {(int)response.StatusCode} {detail}");
            }
            else if (HostileAnswers.Problem(detail) is { } problem)
            {
                failures.Add($"{label}: {problem}: {detail}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} bad answers of {Queries}:\n" + string.Join('\n', failures.Take(20).Select(f => f.Length > 300 ? f[..300] + "…" : f)));
        Assert.True(results > 1000 && refusals > 1000, $"{results} results and {refusals} refusals: the generator should give plenty of both");
        Assert.Equal(before, await Everything());
    }

    /// <summary>One query through one of the five ways in: GET and POST searches, counts, the leaderboard's filter and its where.</summary>
    private Task<HttpResponseMessage> Send(int way, string query)
    {
        // A lone surrogate cannot travel in a URL (it has no UTF-8); those go in JSON bodies, which can carry them escaped.
        var urlSafe = IsWellFormed(query);
        return (way, urlSafe) switch
        {
            (0, true) => Client.GetAsync("/api/runs?filter=" + Uri.EscapeDataString(query)),
            (3, true) => Client.GetAsync("/api/leaderboard?columns=run&filter=" + Uri.EscapeDataString(query)),
            (4, true) => Client.GetAsync("/api/leaderboard?columns=run&best_of_sweep=true&where=" + Uri.EscapeDataString(query)),
            (2, _) => Client.PostAsJsonAsync("/api/runs/count", new { filter = query }),
            _ => Client.PostAsJsonAsync("/api/runs/search", new { filter = query }),
        };
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every run as the API shows it, to compare before and after.</summary>
    private async Task<string> Everything()
    {
        using var response = await Client.PostAsJsonAsync("/api/runs/search", new { filter = "" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
