using System.Net.Http.Json;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Podium.Server;
using Podium.Tests;
using Podium.Tracking;
using Xunit;

namespace Podium.Server.Tests;

/// <summary>The REST API on a real server on 127.0.0.1 with a free port, over a real SQLite store.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private const string Token = "s3cret-token";
    private static readonly DatasetRecord Shapes = new("shapes", new string('a', 64),
        new Dictionary<string, SplitShape> { ["train"] = new([90, 3, 16, 16], [90]) }, ["circle", "square"], "synthetic");

    private readonly TempFolder _folder = new();
    private readonly List<WebApplication> _servers = [];
    private string _runId = "";

    public Task InitializeAsync()
    {
        using var tracker = Tracker.Open(_folder.Path, new TrackerOptions { CaptureSource = false });
        using (var run = tracker.StartRun("art", "<script>alert(1)</script>", seed: 1))
        {
            run.LogParams(new Dictionary<string, object> { ["optimizer"] = "adam", ["batch_size"] = 32 });
            for (var step = 1; step <= 100_000; step++)
            {
                run.LogMetric("loss", Math.Sin(step / 1000.0) + (step == 54_321 ? 5 : 0), step);
            }

            run.LogMetric("val_accuracy", 0.9);
            run.LogMetric("gradient_norm/conv2d", 0.5, 1);
            run.LogMetric("gradient_norm/conv2d", 0.25, 2);
            run.LogDataset(Shapes, "train");
            run.LogDataset(Shapes, "validation");
            using var content = new MemoryStream("epoch,loss\n1,0.5\n"u8.ToArray());
            run.LogArtifact("history.csv", content);
            _runId = run.Id;
        }

        using (var other = tracker.StartRun("art", "sgd-run"))
        {
            other.LogParams(new Dictionary<string, object> { ["optimizer"] = "sgd" });
            other.LogMetric("val_accuracy", 0.7);
            other.LogDataset(Shapes, "train", "{\"horizontal_flip\":true}");
        }

        File.WriteAllText(_folder.File("secret.txt"), "outside the artifact root");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }

        _folder.Dispose();
    }

    private async Task<HttpClient> Start(string? token = null)
    {
        var server = PodiumServer.Create(new ServerOptions { Store = _folder.Path, Port = 0, Token = token });
        _servers.Add(server);
        await server.StartAsync();
        return new HttpClient { BaseAddress = new Uri(server.Urls.Single()) };
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Runs_are_searched_with_the_query_language_and_come_back_as_json()
    {
        var client = await Start();

        var response = await client.GetAsync("/api/runs?filter=" + Uri.EscapeDataString("params.optimizer = 'adam'"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        var run = Assert.Single(body.GetProperty("runs").EnumerateArray());
        Assert.Equal(_runId, run.GetProperty("info").GetProperty("id").GetString());
        Assert.Equal("<script>alert(1)</script>", run.GetProperty("info").GetProperty("name").GetString());
        Assert.Equal("adam", run.GetProperty("params").GetProperty("optimizer").GetProperty("text").GetString());
        Assert.Equal(1, body.GetProperty("matching").GetInt64());
    }

    [Fact]
    public async Task The_leaderboard_ranks_runs()
    {
        var client = await Start();

        var body = await Json(await client.GetAsync("/api/leaderboard?columns=run,val_accuracy"));

        var names = body.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("run").GetString()).ToList();
        Assert.Equal(["<script>alert(1)</script>", "sgd-run"], names);
    }

    [Fact]
    public async Task A_sorted_view_keeps_each_runs_rank_in_the_ranking_order()
    {
        var client = await Start();

        var body = await Json(await client.GetAsync("/api/leaderboard?columns=rank,run,val_accuracy&order_by=" + Uri.EscapeDataString("metrics.val_accuracy ASC")));

        var rows = body.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("run").GetString(), r.GetProperty("rank").GetInt64())).ToList();
        Assert.Equal([("sgd-run", 2L), ("<script>alert(1)</script>", 1L)], rows);
    }

    [Fact]
    public async Task The_experiment_overview_counts_runs_and_the_series_of_several_runs_come_in_one_answer()
    {
        var client = await Start();
        var overview = await Json(await client.GetAsync("/api/experiments/overview"));
        var art = Assert.Single(overview.EnumerateArray());
        Assert.Equal(("art", 2L, 0L), (art.GetProperty("name").GetString(), art.GetProperty("runs").GetInt64(), art.GetProperty("running").GetInt64()));

        // The same points as the single-series answer, as steps and values.
        var one = await Json(await client.GetAsync($"/api/runs/{_runId}/metrics/loss?max_points=500"));
        var many = await Json(await client.GetAsync($"/api/metrics?runs={_runId}&keys=loss,gradient_norm/conv2d,absent&max_points=500"));
        var series = many.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["loss", "gradient_norm/conv2d"], series.Select(x => x.GetProperty("key").GetString()));
        Assert.Equal(100_000, series[0].GetProperty("total").GetInt32());
        Assert.Equal(one.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("step").GetInt64()), series[0].GetProperty("steps").EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal(one.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()), series[0].GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Contains(54_321L, series[0].GetProperty("steps").EnumerateArray().Select(v => v.GetInt64())); // the spike survives downsampling

        // A running run's series is never answered from a stale copy: a point logged since shows.
        var created = await Json(await client.PostAsJsonAsync("/api/runs", new { experiment = "live", name = "growing" }));
        var id = created.GetProperty("id").GetString();
        await client.PostAsJsonAsync($"/api/runs/{id}/batch", new { metrics = new[] { new { key = "loss", value = 1.0, step = 1 }, new { key = "loss", value = 0.5, step = 2 } } });
        Assert.Equal(2, (await Json(await client.GetAsync($"/api/metrics?runs={id}&keys=loss"))).GetProperty("series")[0].GetProperty("total").GetInt32());
        await client.PostAsJsonAsync($"/api/runs/{id}/batch", new { metrics = new[] { new { key = "loss", value = 0.25, step = 3 } } });
        var grown = (await Json(await client.GetAsync($"/api/metrics?runs={id}&keys=loss"))).GetProperty("series")[0];
        Assert.Equal([1.0, 0.5, 0.25], grown.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(3, (await Json(await client.GetAsync($"/api/runs/{id}/metrics/loss"))).GetProperty("total").GetInt32());

        // Bad input is a 4xx that says what to give.
        var none = await client.GetAsync("/api/metrics?keys=loss");
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("give runs=", (await Json(none)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/metrics?runs=nosuchrun&keys=loss")).StatusCode);
    }

    [Theory]
    [InlineData("{\"name\": \" \"}", "the new name is empty")]
    [InlineData("{\"experiment\": \"\"}", "the experiment is empty")]
    [InlineData("not json", "the body is not valid JSON")]
    public async Task A_bad_rename_or_move_is_a_400_in_one_line_and_the_run_keeps_its_name(string body, string problem)
    {
        var client = await Start();
        var response = await client.PatchAsync($"/api/runs/{_runId}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await Json(response)).GetProperty("detail").GetString()!;
        Assert.StartsWith(problem, detail);
        Assert.DoesNotContain("Parameter", detail);
        Assert.DoesNotContain("Request", detail);
        var run = await Json(await client.GetAsync($"/api/runs/{_runId}"));
        Assert.Equal("<script>alert(1)</script>", run.GetProperty("info").GetProperty("name").GetString());
        Assert.Equal("art", run.GetProperty("info").GetProperty("experiment").GetString());
    }

    [Fact]
    public async Task The_leaderboard_answers_a_page_at_a_time_with_column_filters_and_each_columns_query_field()
    {
        var client = await Start();

        var second = await Json(await client.GetAsync("/api/leaderboard?columns=rank,run,optimizer&limit=1&offset=1"));
        var filtered = await Json(await client.GetAsync("/api/leaderboard?columns=run&where=" + Uri.EscapeDataString("params.optimizer ILIKE '%SG%'") + "&order_by=" + Uri.EscapeDataString("attributes.run_name ASC")));
        var beyond = await Json(await client.GetAsync("/api/leaderboard?limit=5&offset=10"));

        var row = Assert.Single(second.GetProperty("rows").EnumerateArray());
        Assert.Equal(2, row.GetProperty("rank").GetInt64()); // ranks count from the whole list
        Assert.Equal("sgd-run", row.GetProperty("run").GetString());
        Assert.Equal(2, second.GetProperty("matching").GetInt64());
        Assert.Equal(1, second.GetProperty("offset").GetInt32());
        Assert.Equal("ORDER BY metrics.val_accuracy DESC LIMIT 1 OFFSET 1", second.GetProperty("query").GetString());
        Assert.Equal("params.optimizer", second.GetProperty("fields").GetProperty("optimizer").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("fields").GetProperty("rank").ValueKind);
        Assert.Equal(["sgd-run"], filtered.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("run").GetString()));
        Assert.Equal(1, filtered.GetProperty("matching").GetInt64());
        Assert.Empty(beyond.GetProperty("rows").EnumerateArray());
        Assert.Equal(2, beyond.GetProperty("matching").GetInt64());

        var negative = await client.GetAsync("/api/leaderboard?offset=-1");
        var badWhere = await client.GetAsync("/api/leaderboard?where=" + Uri.EscapeDataString("metrics.val_accuracy > 'x'"));
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Contains("offset -1", (await Json(negative)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badWhere.StatusCode);
    }

    [Theory]
    [InlineData("parentheses", "nesting deeper than 256 levels of parentheses and NOT")]
    [InlineData("nots", "nesting deeper than 256 levels of parentheses and NOT")]
    [InlineData("keys", "more than 60 distinct metric, param and tag keys in one query")]
    [InlineData("in", "more than 10,000 conditions (each IN value counts as one)")]
    public async Task A_hostile_or_huge_filter_answers_400_naming_the_limit_and_the_server_keeps_serving(string kind, string problem)
    {
        var client = await Start();
        var filter = kind switch
        {
            "parentheses" => new string('(', 200_000) + "params.optimizer = 'adam'" + new string(')', 200_000),
            "nots" => string.Concat(Enumerable.Repeat("NOT ", 100_000)) + "params.optimizer = 'adam'",
            "keys" => string.Join(" AND ", Enumerable.Range(0, 61).Select(i => $"params.p{i} = 'x'")),
            _ => "params.optimizer IN (" + string.Join(", ", Enumerable.Range(0, 50_000).Select(i => $"'x{i}'")) + ")",
        };

        var response = await client.PostAsJsonAsync("/api/runs/search", new { filter });
        var after = await client.PostAsJsonAsync("/api/runs/search", new { filter = "params.optimizer = 'adam'" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, (await Json(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_long_series_is_downsampled_on_the_server_keeping_its_ends_and_extremes()
    {
        var client = await Start();

        var body = await Json(await client.GetAsync($"/api/runs/{_runId[..8]}/metrics/loss?max_points=500"));

        Assert.Equal(100_000, body.GetProperty("total").GetInt32());
        var points = body.GetProperty("points").EnumerateArray().Select(p => (Step: p.GetProperty("step").GetInt64(), Value: p.GetProperty("value").GetDouble())).ToList();
        Assert.InRange(points.Count, 400, 500);
        Assert.Equal(1, points[0].Step);
        Assert.Equal(100_000, points[^1].Step);
        Assert.Contains(points, p => p.Step == 54_321); // the spike survives
        Assert.Equal(points.OrderBy(p => p.Step), points);
    }

    [Fact]
    public async Task Artifacts_are_listed_and_downloaded_and_paths_never_leave_the_artifact_root()
    {
        var client = await Start();

        var list = await Json(await client.GetAsync($"/api/runs/{_runId}/artifacts"));
        Assert.Equal("history.csv", Assert.Single(list.EnumerateArray()).GetProperty("path").GetString());
        Assert.Equal("epoch,loss\n1,0.5\n", await client.GetStringAsync($"/api/runs/{_runId}/artifacts/history.csv"));

        foreach (var attack in (string[])["../../secret.txt", "..%2F..%2Fsecret.txt", "%2e%2e/%2e%2e/secret.txt", "..%5C..%5Csecret.txt", "%2Fetc%2Fpasswd", "/etc/passwd", "history.csv%00"])
        {
            var response = await client.GetAsync($"/api/runs/{_runId}/artifacts/{attack}");
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{attack}: {response.StatusCode}");
            Assert.DoesNotContain("outside the artifact root", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Bad_queries_and_unknown_runs_get_problem_details_never_a_500()
    {
        var client = await Start();

        var bad = await client.GetAsync("/api/runs?filter=" + Uri.EscapeDataString("metrics.val_accuracy = 'high'"));
        var missing = await client.GetAsync("/api/runs/ffffffff");
        var nowhere = await client.GetAsync("/api/nothing-here");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        Assert.Contains("metrics.val_accuracy is a number", (await Json(bad)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(404, (await Json(missing)).GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, nowhere.StatusCode);
    }

    [Fact]
    public async Task With_a_token_every_call_needs_it()
    {
        var client = await Start(Token);

        var none = await client.GetAsync("/api/runs");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        var wrong = await client.GetAsync("/api/runs");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var right = await client.GetAsync("/api/runs");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public void Binding_beyond_loopback_without_a_token_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => PodiumServer.Create(new ServerOptions { Store = _folder.Path, Host = "0.0.0.0", Port = 0 }));

        Assert.Contains("refusing to listen on 0.0.0.0 without --token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_describes_itself_in_an_openapi_document()
    {
        var client = await Start();

        var document = await Json(await client.GetAsync("/api/openapi.json"));

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/runs", paths);
        Assert.Contains("/api/runs/{id}/metrics/{key}", paths);
        Assert.Contains("/api/leaderboard", paths);
    }

    [Fact]
    public async Task Datasets_are_listed_once_each_with_the_runs_and_roles_that_used_them()
    {
        var client = await Start();

        var list = await Json(await client.GetAsync("/api/datasets"));
        var detail = await Json(await client.GetAsync("/api/datasets/" + Shapes.Fingerprint));
        var notHex = await client.GetAsync("/api/datasets/zz'or'1");
        var unknown = await client.GetAsync("/api/datasets/" + new string('b', 64));

        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal("shapes", only.GetProperty("dataset").GetProperty("name").GetString());
        Assert.Equal(2, only.GetProperty("runs").GetInt32());
        Assert.Equal(["train", "validation"], only.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var uses = detail.GetProperty("runs").EnumerateArray().Select(u => (u.GetProperty("run").GetProperty("name").GetString(), u.GetProperty("role").GetString())).Order().ToList();
        Assert.Equal([("<script>alert(1)</script>", "train"), ("<script>alert(1)</script>", "validation"), ("sgd-run", "train")], uses);
        Assert.Equal(HttpStatusCode.BadRequest, notHex.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_metric_key_holding_a_slash_is_addressed_as_a_path()
    {
        var client = await Start();

        var body = await Json(await client.GetAsync($"/api/runs/{_runId}/metrics/gradient_norm/conv2d"));

        Assert.Equal(2, body.GetProperty("total").GetInt32());
        Assert.Equal([0.5, 0.25], body.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task The_leaderboard_exports_as_csv_and_can_show_only_the_best_of_each_sweep()
    {
        var client = await Start();

        var csv = await client.GetAsync("/api/leaderboard?columns=rank,run,val_accuracy&format=csv");
        var text = await csv.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal("rank,run,val_accuracy\r\n1,<script>alert(1)</script>,0.9\r\n2,sgd-run,0.7\r\n", text);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/leaderboard?format=xml")).StatusCode);
    }

    [Fact]
    public async Task The_ui_files_are_served_without_the_token_under_a_script_policy_while_the_api_still_needs_it()
    {
        var client = await Start(Token);

        var page = await client.GetAsync("/");
        var script = await client.GetAsync("/ui/app.js");
        var escape = await client.GetAsync("/ui/..%2Fapp.js");
        var api = await client.GetAsync("/api/runs");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, escape.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }
}
