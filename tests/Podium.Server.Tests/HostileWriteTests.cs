using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podium.Tests;
using Podium.Tracking;
using Xunit;

namespace Podium.Server.Tests;

/// <summary>
/// 10,000 generated write bodies against a real server on loopback: valid ones for every write endpoint, mutated member
/// by member (nulls, wrong kinds, missing and unknown members, lone surrogates, huge and deep values) or byte by byte
/// (truncated, invalid UTF-8, not JSON). No 5xx, every refusal one clear line, and a run written before is unchanged.
/// </summary>
public sealed class HostileWriteTests : IAsyncLifetime
{
    private const int Bodies = 10_000;
    private readonly TempFolder _folder = new();
    private LoopbackServer? _server;

    private static readonly (string Method, string Path, string Json)[] Templates =
    [
        ("POST", "/api/runs", """
            {"experiment": "hostile", "name": "n", "seed": 7, "parent_run_id": null, "start_time": "2026-01-01T00:00:00Z",
             "source": {"git_commit": "abc", "git_dirty": false, "command_line": "podium run"},
             "environment": {"os": "Linux", "cpu": "x", "runtime": ".NET", "podium_version": "1.0.0", "host": "h"}}
            """),
        ("POST", "RUN/batch", """
            {"params": {"optimizer": "adam", "lr": 0.001, "cfg": {"layers": [1, "two", null]}},
             "metrics": [{"key": "loss", "value": 0.5, "step": 1, "timestamp": "2026-01-01T00:00:00Z", "epoch": 1}],
             "tags": {"stage": "dev"},
             "typed_params": [{"key": "typed", "kind": "number", "text": "1.5"}],
             "series": [{"key": "acc", "steps": [1, 2], "values": [0.1, 0.2], "timestamps": [1700000000000, 1700000000001], "epochs": [1, null]}]}
            """),
        ("POST", "RUN/datasets", """
            {"dataset": {"name": "d", "fingerprint": "ab12", "splits": {"train": {"x": [10, 1, 28, 28], "y": [10]}}, "class_names": ["a", "b"], "source": "x"},
             "role": "train", "augmentations": null}
            """),
        ("PUT", "RUN/model", """
            {"name": "m", "architecture_json": "{}", "total_parameters": 10, "trainable_parameters": 10, "weight_bytes": 40, "dot": "digraph {}"}
            """),
        ("POST", "RUN/end", """{"status": "finished", "end_time": null}"""),
    ];

    private static readonly Func<JsonNode?>[] HostileValues =
    [
        () => null, () => "", () => "\uD800", () => "x\uDC00y", () => new string('w', 100_000), () => 1e308, () => -1, () => 0,
        () => long.MaxValue, () => 1.5, () => true, () => new JsonArray(), () => new JsonObject(), () => "NaN", () => "Infinity",
        () => "2026-13-45T99:00:00Z", () => Deep(200), () => new JsonArray(Enumerable.Range(0, 5).Select(_ => (JsonNode?)null).ToArray()),
        () => "\0", () => "'; DROP TABLE runs; --", () => new JsonObject { ["\uD800"] = 1 }, () => new string('k', 300),
    ];

    public async Task InitializeAsync()
    {
        Tracker.Open(_folder.Path, new TrackerOptions { CaptureSource = false }).Dispose();
        _server = await LoopbackServer.Start(_folder.Path);
    }

    private HttpClient Client => _server!.Client;

    public async Task DisposeAsync()
    {
        await _server!.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Ten_thousand_hostile_write_bodies_are_stored_or_refused_with_one_line()
    {
        var witness = await NewRun();
        foreach (var (method, path, json) in Templates)
        {
            using var response = await Send(method, path.Replace("RUN", "/api/runs/" + witness, StringComparison.Ordinal), Encoding.UTF8.GetBytes(json));
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var before = await Client.GetStringAsync("/api/runs/" + witness);
        var random = new Random(19);
        var failures = new List<string>();
        var (stored, refused) = (0, 0);
        var target = await NewRun();
        for (var i = 0; i < Bodies; i++)
        {
            if (i % 500 == 0)
            {
                target = await NewRun();
            }

            var (method, path, json) = Templates[random.Next(Templates.Length)];
            var (label, body) = Mutate(random, json);
            // Most go to the run being written; some to the witness (they must not change it unless valid) or to no run.
            var id = random.Next(20) switch { 0 => "0000", 1 => "..%2F..%2Fetc", 2 => "%C3%A9", _ => target };
            using var response = await Send(method, path.Replace("RUN", "/api/runs/" + id, StringComparison.Ordinal), body);
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                stored++;
                continue;
            }

            refused++;
            var detail = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                ? JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString() ?? ""
                : text;
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{method} {path} ({label}): {(int)response.StatusCode} {detail}");
            }
            else if (HostileAnswers.Problem(detail) is { } problem)
            {
                failures.Add($"{method} {path} ({label}): {(int)response.StatusCode} {problem}: {detail}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} bad answers of {Bodies}:\n" + string.Join('\n', failures.Take(20).Select(f => f.Length > 300 ? f[..300] + "…" : f)));
        Assert.True(stored > 500 && refused > 2000, $"{stored} stored and {refused} refused: the generator should give plenty of both");
        Assert.Equal(before, await Client.GetStringAsync("/api/runs/" + witness));
    }

    private async Task<string> NewRun()
    {
        using var response = await Client.PostAsJsonAsync("/api/runs", new { experiment = "hostile" });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private Task<HttpResponseMessage> Send(string method, string path, byte[] body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        return Client.SendAsync(request);
    }

    /// <summary>The template changed once or a few times: a member replaced, removed or added, or the bytes damaged.</summary>
    private static (string Label, byte[] Body) Mutate(Random random, string json)
    {
        var root = JsonNode.Parse(json)!;
        var labels = new List<string>();
        for (var edits = random.Next(0, 4); edits > 0; edits--)
        {
            var nodes = Walk(root).ToList();
            var node = nodes[random.Next(nodes.Count)];
            var parent = node.Parent;
            switch (random.Next(4))
            {
                case 0 when parent is JsonObject o:
                    labels.Add("removed " + node.GetPath());
                    o.Remove(node.GetPropertyName());
                    break;
                case 1 when node is JsonObject o:
                    labels.Add("added to " + node.GetPath());
                    o["unknown_" + random.Next(3)] = HostileValues[random.Next(HostileValues.Length)]();
                    break;
                default:
                    labels.Add("replaced " + node.GetPath());
                    var value = HostileValues[random.Next(HostileValues.Length)]();
                    if (parent is JsonObject po)
                    {
                        po[node.GetPropertyName()] = value;
                    }
                    else if (parent is JsonArray pa)
                    {
                        pa[node.GetElementIndex()] = value;
                    }

                    break;
            }
        }

        var bytes = Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { MaxDepth = 1_000 }));
        switch (random.Next(10))
        {
            case 0:
                return (string.Join(", ", labels.Append("truncated")), bytes[..random.Next(bytes.Length)]);
            case 1:
                var damaged = (byte[])bytes.Clone();
                damaged[random.Next(damaged.Length)] = (byte)random.Next(0x80, 0x100);
                return (string.Join(", ", labels.Append("invalid UTF-8")), damaged);
            case 2:
                return ("not JSON", Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "", 1 => "null", _ => "[" + json + "]" }));
            default:
                return (labels.Count == 0 ? "valid" : string.Join(", ", labels), bytes);
        }
    }

    private static IEnumerable<JsonNode> Walk(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().ToList())
        {
            foreach (var inner in Walk(child))
            {
                yield return inner;
            }
        }
    }

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }
}
