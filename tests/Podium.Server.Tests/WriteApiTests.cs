using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Protocol;
using Xunit;

namespace Podium.Server.Tests;

/// <summary>Recording through the API: create, log a batch, end; and bad bodies refused with problem details, changing nothing.</summary>
public sealed class WriteApiTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private WebApplication? _server;
    private HttpClient _client = new();

    public async Task InitializeAsync()
    {
        Tracker.Open(_folder.Path).Dispose();
        _server = PodiumServer.Create(new ServerOptions { Store = _folder.Path, Port = 0, Token = "t0ken", MaxRequestBytes = 1 << 20 });
        await _server.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_server.Urls.Single()) };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t0ken");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server!.StopAsync();
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    private Task<HttpResponseMessage> Post(string path, string json) =>
        _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<string> CreateRun()
    {
        var created = await Post("/api/runs", """{"experiment": "remote", "name": "over-http", "seed": 7}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private RunRecord Stored(string id)
    {
        using var tracker = Tracker.OpenExisting(_folder.Path);
        return tracker.Store.GetRun(id)!;
    }

    [Fact]
    public async Task A_run_created_logged_and_ended_over_http_is_in_the_store()
    {
        var id = await CreateRun();

        var logged = await Post($"/api/runs/{id}/batch", """
            {"params": {"optimizer": "adam", "batch_size": 32, "augment": {"zoom_range": 0.2}},
             "metrics": [{"key": "loss", "value": 0.9, "step": 1}, {"key": "loss", "value": 0.4, "step": 2, "epoch": 2}],
             "tags": {"stage": "<b>dev</b>"}}
            """);
        var ended = await Post($"/api/runs/{id}/end", """{"status": "finished"}""");

        Assert.Equal(HttpStatusCode.NoContent, logged.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        var run = Stored(id);
        Assert.Equal(("over-http", "remote", 7L, RunStatus.Finished), (run.Info.Name, run.Info.Experiment, run.Info.Seed!.Value, run.Info.Status));
        Assert.Equal("adam", run.Params["optimizer"].Text);
        Assert.Equal(32, run.Params["batch_size"].Number);
        Assert.Equal(ParamKind.Json, run.Params["augment"].Kind);
        Assert.Equal((0.4, 0.4, 2L), (run.Metrics["loss"].Last, run.Metrics["loss"].Min, run.Metrics["loss"].Count));
        Assert.Equal("<b>dev</b>", run.Tags["stage"]);
    }

    [Fact]
    public async Task A_conflicting_param_is_409_and_nothing_of_its_batch_is_stored()
    {
        var id = await CreateRun();
        Assert.Equal(HttpStatusCode.NoContent, (await Post($"/api/runs/{id}/batch", """{"params": {"optimizer": "adam"}}""")).StatusCode);

        var conflict = await Post($"/api/runs/{id}/batch", """{"params": {"optimizer": "sgd"}, "metrics": [{"key": "loss", "value": 1, "step": 1}]}""");

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType!.MediaType);
        var run = Stored(id);
        Assert.Equal("adam", run.Params["optimizer"].Text);
        Assert.False(run.Metrics.ContainsKey("loss"));
    }

    [Theory]
    [InlineData("{\"params\": {\"a\": ", HttpStatusCode.BadRequest)]
    [InlineData("[1, 2, 3]", HttpStatusCode.BadRequest)]
    [InlineData("{\"metrics\": [{\"key\": \"\", \"value\": 1, \"step\": 1}]}", HttpStatusCode.BadRequest)]
    [InlineData("{\"series\": [{\"key\": \"loss\", \"steps\": [1, 2], \"values\": [0.5]}]}", HttpStatusCode.BadRequest)]
    [InlineData("{\"typed_params\": [{\"key\": \"lr\", \"kind\": \"number\", \"text\": \"fast\"}]}", HttpStatusCode.BadRequest)]
    [InlineData("{\"typed_params\": [{\"key\": \"lr\", \"kind\": \"float\", \"text\": \"1\"}]}", HttpStatusCode.BadRequest)]
    public async Task A_malformed_batch_is_a_4xx_problem_and_changes_nothing(string body, HttpStatusCode status)
    {
        var id = await CreateRun();

        var response = await Post($"/api/runs/{id}/batch", body);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Empty(Stored(id).Metrics);
        Assert.Empty(Stored(id).Params);
    }

    [Theory]
    [InlineData("POST", "/api/runs", """{"experiment": "remote", "environment": {}}""", "environment.os is required and cannot be null")]
    [InlineData("POST", "RUN/batch", """{"metrics": [null]}""", "metrics[0] cannot be null")]
    [InlineData("POST", "RUN/batch", """{"series": [null]}""", "series[0] cannot be null")]
    [InlineData("POST", "RUN/batch", """{"typed_params": [null]}""", "typed_params[0] cannot be null")]
    [InlineData("POST", "RUN/batch", """{"tags": {"stage": null}}""", "tags.stage cannot be null")]
    [InlineData("POST", "RUN/batch", """{"params": {"note": "\ud800"}}""", "params.note is not valid Unicode text (it holds a lone UTF-16 surrogate, or bytes that are not UTF-8)")]
    [InlineData("POST", "RUN/batch", """{"params": {"cfg": {"layers": ["conv", "\udc00"]}}}""", "params.cfg.layers[1] is not valid Unicode text (it holds a lone UTF-16 surrogate, or bytes that are not UTF-8)")]
    [InlineData("PUT", "RUN/model", "{}", "name is required and cannot be null")]
    [InlineData("POST", "RUN/datasets", """{"dataset": {"name": null}, "role": "train"}""", "the body's dataset.name is null where a value is required")]
    [InlineData("POST", "RUN/datasets", """{"dataset": {"name": "d", "fingerprint": "ab", "splits": null, "classes": [], "source": "x"}, "role": "train"}""", "the body's dataset.splits is null where a value is required")]
    public async Task A_body_with_a_missing_null_or_unreadable_member_is_a_400_naming_it_and_changes_nothing(string method, string path, string body, string problem)
    {
        var id = await CreateRun();
        var before = JsonSerializer.Serialize(Stored(id));

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("RUN", $"/api/runs/{id}", StringComparison.Ordinal))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.StartsWith(problem, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Podium.", detail, StringComparison.Ordinal);
        Assert.Equal(before, JsonSerializer.Serialize(Stored(id)));
        using var tracker = Tracker.OpenExisting(_folder.Path);
        Assert.Single(tracker.SearchRuns(null));
    }

    [Fact]
    public async Task An_oversize_body_is_a_413_problem_and_changes_nothing()
    {
        var id = await CreateRun();
        var huge = "{\"tags\": {\"big\": \"" + new string('x', 2 << 20) + "\"}}";

        var response = await Post($"/api/runs/{id}/batch", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("the server takes at most 1,048,576", await response.Content.ReadAsStringAsync());
        Assert.Empty(Stored(id).Tags);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/runs/{id}")).StatusCode); // the server goes on answering
    }

    [Fact]
    public void A_batch_over_its_bounds_is_refused_whole()
    {
        var points = Enumerable.Range(0, LogBatchRequest.MaxMetrics + 1).Select(i => new MetricRequest("m", 1, i, null, null)).ToList();

        var error = Assert.Throws<ArgumentException>(() => new LogBatchRequest(null, points, null).ToBatch(DateTimeOffset.UnixEpoch));

        Assert.Equal("a batch may carry at most 50,000 metrics; this one has 50,001; send it in parts", error.Message);
    }

    [Fact]
    public async Task A_write_without_the_token_is_401_and_changes_nothing()
    {
        var id = await CreateRun();
        using var stranger = new HttpClient { BaseAddress = _client.BaseAddress };

        var response = await stranger.PostAsync($"/api/runs/{id}/end", new StringContent("""{"status": "killed"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(RunStatus.Running, Stored(id).Info.Status);
    }
}
