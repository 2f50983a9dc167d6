using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Query;
using Podium.Tracking.Stores;
using Xunit;

namespace Podium.Server.Tests;

/// <summary>
/// What the remote store must do beyond the contract: read back exactly what the server's SQLite store holds (awkward keys,
/// every param kind), carry the server's errors as the same exceptions, and say clearly when the server is unreachable or wants a token.
/// </summary>
public sealed class RemoteStoreTests : IAsyncLifetime
{
    private const string Token = "t0ken";
    private readonly TempFolder _folder = new();
    private readonly List<WebApplication> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }

        _folder.Dispose();
    }

    private string Serve(ServerOptions? options = null)
    {
        var (server, url) = ServedStoreFactory.Serve(_folder.File("store"), options);
        _servers.Add(server);
        return url;
    }

    private ITrackingStore Local() => TrackingStores.Open(_folder.File("store"), create: false);

    private static string Dump(RunRecord? record) => JsonSerializer.Serialize(record, TrackingJson.Options);

    [Fact]
    public void Awkward_keys_and_every_param_kind_read_back_exactly_as_the_served_store_holds_them()
    {
        string[] keys = ["gradient_norm/conv2d", "a b", "x%y", "ü?#&=+", "per cent/%2F", "...", "a//b", "tail/"];
        using var remote = TrackingStores.Open(Serve());
        using var tracker = Tracker.Over(remote, new TrackerOptions { CaptureSource = false });
        using var run = tracker.StartRun("exp", "awkward <b>name</b>", seed: 7);
        run.LogParams(
        [
            new("nan", double.NaN), new("inf", double.NegativeInfinity), new("tiny", 1e-300), new("text NaN", "NaN"),
            new("yes", true), new("json number", ParamValue.OfJson("3")), new("json null", ParamValue.OfJson("null")),
            new("layers", ParamValue.OfJson("[32, 64]")), new("quote'd \"key\"", "it's"),
        ]);
        for (var i = 0; i < keys.Length; i++)
        {
            run.LogMetric(keys[i], i + 0.5, step: 3);
            run.LogMetric(keys[i], double.NaN, step: 4);
        }

        run.SetTag("note", "ünïcode ✓");
        run.End();

        using var local = Local();
        Assert.Equal(Dump(local.GetRun(run.Id)), Dump(remote.GetRun(run.Id)));
        var kinds = remote.GetRun(run.Id)!.Params;
        Assert.Equal((ParamKind.Number, "NaN"), (kinds["nan"].Kind, kinds["nan"].Text));
        Assert.Equal((ParamKind.Json, "3"), (kinds["json number"].Kind, kinds["json number"].Text));
        Assert.Equal((ParamKind.String, "NaN"), (kinds["text NaN"].Kind, kinds["text NaN"].Text));
        foreach (var key in keys)
        {
            var expected = local.GetMetricHistory(run.Id, key);
            Assert.Equal(2, expected.Count);
            Assert.Equal(expected, remote.GetMetricHistory(run.Id, key));
        }
    }

    [Fact]
    public void Search_and_count_through_the_server_agree_with_the_store_itself()
    {
        using var remote = TrackingStores.Open(Serve());
        using var tracker = Tracker.Over(remote, new TrackerOptions { CaptureSource = false });
        for (var i = 0; i < 30; i++)
        {
            using var run = tracker.StartRun(i % 2 == 0 ? "even" : "odd", $"run-{i}");
            run.LogParams(new Dictionary<string, object> { ["optimizer"] = i % 3 == 0 ? "adam" : "sgd", ["i"] = i });
            run.LogMetric("acc", i / 30.0);
            run.End();
        }

        using var local = Local();
        string[] queries =
        [
            "", "params.optimizer = 'adam' ORDER BY metrics.acc DESC LIMIT 4",
            "NOT (params.i < 10 OR params.i >= 20) AND attributes.run_name LIKE 'run-1%' ORDER BY params.i ASC",
            "params.optimizer IN ('sgd') AND metrics.acc.max > 0.5", "attributes.start_time > '2000-01-01T00:00:00Z'",
        ];
        foreach (var text in queries)
        {
            foreach (var query in new[] { RunQuery.Parse(text), RunQuery.Parse(text) with { Experiment = "odd" } })
            {
                Assert.Equal(local.SearchRuns(query).Select(r => r.Info.Name), remote.SearchRuns(query).Select(r => r.Info.Name));
                Assert.Equal(local.CountRuns(query), remote.CountRuns(query));
            }
        }
    }

    [Fact]
    public void A_bad_query_is_the_same_query_error_as_in_a_local_store()
    {
        using var remote = TrackingStores.Open(Serve());
        var query = new RunQuery(new ComparisonExpr(RunQuery.ParseField("attributes.start_time"), ">", new Literal("yesterday", "'yesterday'", 1)), [], null);

        var local = Assert.Throws<QueryException>(() => RunQuery.Parse(query.ToString()));
        var error = Assert.Throws<QueryException>(() => remote.SearchRuns(query));

        Assert.Equal(local.Message, error.Message);
        Assert.Equal((local.Column, local.Token), (error.Column, error.Token));
    }

    [Fact]
    public void A_param_conflict_and_an_unknown_run_are_the_exceptions_a_local_store_throws()
    {
        using var remote = TrackingStores.Open(Serve());
        using var tracker = Tracker.Over(remote, new TrackerOptions { CaptureSource = false });
        using var run = tracker.StartRun("exp");
        run.LogParam("lr", 0.1);

        var conflict = Assert.Throws<ParamConflictException>(() => run.LogParam("lr", "0.1"));

        Assert.Equal(("lr", ParamValue.Of(0.1), ParamValue.Of("0.1")), (conflict.Key, conflict.Stored, conflict.Refused));
        Assert.Throws<KeyNotFoundException>(() => remote.EndRun(new string('f', 32), RunStatus.Finished, DateTimeOffset.UtcNow));
        Assert.Throws<FileNotFoundException>(() => remote.OpenArtifact(run.Id, "missing.bin"));
        Assert.Empty(remote.GetMetricHistory(run.Id, "never-logged"));
        Assert.Throws<KeyNotFoundException>(() => remote.GetMetricHistory(new string('e', 32), "loss"));
        Assert.Null(remote.GetRun("0123456789abcdef"));
    }

    [Fact]
    public void Artifacts_larger_than_the_request_bound_upload_whole_and_oversize_batches_are_refused()
    {
        using var remote = TrackingStores.Open(Serve(new ServerOptions { MaxRequestBytes = 64 * 1024, MaxArtifactBytes = 4 * 1024 * 1024 }));
        using var tracker = Tracker.Over(remote, new TrackerOptions { CaptureSource = false });
        using var run = tracker.StartRun("exp");
        var bytes = new byte[3_000_000];
        new Random(5).NextBytes(bytes);

        var info = run.LogArtifact("weights/model.safetensors", new MemoryStream(bytes));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Sha256);
        using (var read = remote.OpenArtifact(run.Id, "weights/model.safetensors"))
        using (var copy = new MemoryStream())
        {
            read.CopyTo(copy);
            Assert.Equal(bytes, copy.ToArray());
        }

        var tooBig = Assert.Throws<ArgumentException>(() => run.LogArtifact("huge.bin", new MemoryStream(new byte[5 * 1024 * 1024])));
        Assert.Contains("at most 4,194,304", tooBig.Message, StringComparison.Ordinal);
        var batch = new RunBatch();
        batch.Metrics.AddRange(Enumerable.Range(0, 5000).Select(i => new KeyValuePair<string, MetricPoint>("loss", new(i, i, DateTimeOffset.UtcNow))));
        Assert.Throws<ArgumentException>(() => remote.LogBatch(run.Id, batch));
        Assert.Equal(["weights/model.safetensors"], remote.ListArtifacts(run.Id).Select(a => a.Path));
        Assert.False(remote.GetRun(run.Id)!.Metrics.ContainsKey("loss"));
    }

    [Fact]
    public void Without_the_token_nothing_is_stored_and_the_message_says_which_variable_to_set()
    {
        var url = Serve(new ServerOptions { Token = Token });

        using (var anonymous = new HttpStore(new Uri(url), null))
        {
            var error = Assert.Throws<StoreException>(() => anonymous.CreateRun(new NewRun("exp", "x", null, null, new RunSource(null, null, ""), RunEnvironment.Capture(), DateTimeOffset.UtcNow)));
            Assert.Contains("PODIUM_TRACKING_TOKEN", error.Message, StringComparison.Ordinal);
        }

        using (var local = Local())
        {
            Assert.Empty(local.ListExperiments());
        }

        using var trusted = new HttpStore(new Uri(url), Token);
        using var tracker = Tracker.Over(trusted);
        tracker.StartRun("exp", "allowed").End();
        Assert.Equal(["allowed"], trusted.SearchRuns(RunQuery.All).Select(r => r.Info.Name));
    }

    [Fact]
    public void An_unreachable_server_is_one_store_error_naming_its_address()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // the port is free again and nothing listens on it

        using var store = TrackingStores.Open($"http://127.0.0.1:{port}");
        var error = Assert.Throws<StoreException>(() => store.ListExperiments());

        Assert.StartsWith($"cannot reach the Podium server at http://127.0.0.1:{port}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_server_will_not_serve_another_server()
    {
        var error = Assert.Throws<ArgumentException>(() => PodiumServer.Create(new ServerOptions { Store = "http://127.0.0.1:5000", Port = 0 }));

        Assert.Contains("not another server", error.Message, StringComparison.Ordinal);
    }
}
