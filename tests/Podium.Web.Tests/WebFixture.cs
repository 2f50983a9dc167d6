using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Podium.Experiments;
using Podium.Experiments.Specs;
using Podium.Tests;
using Podium.Tracking;
using Xunit;

namespace Podium.Web.Tests;

/// <summary>The browser tests share one fixture (its training is the slow part) and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}

/// <summary>
/// One store for the browser tests: two runs trained for real on tiny data (so every card of the run page has
/// something to show), and one run whose name, param and tag are markup meant to run. A real server on a free
/// loopback port serves it, and Debian's Chromium, driven by Playwright, visits it.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    /// <summary>Markup that would run if the UI put run data into the page as HTML.</summary>
    public const string ScriptName = "<script>window.__pwned = 1</script>";
    public const string ImageParam = "\"><img src=x onerror=\"window.__pwned = 2\">";
    public const string ImageTag = "<img src=x onerror=window.__pwned=3>";

    private readonly TempFolder _folder = new();
    private readonly TempFolder _manyFolder = new();
    private readonly TempFolder _emptyFolder = new();
    private WebApplication? _server;
    private WebApplication? _manyServer;
    private WebApplication? _emptyServer;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string Url { get; private set; } = "";

    public string AdamRun { get; private set; } = "";

    public string SgdRun { get; private set; } = "";

    public string MarkupRun { get; private set; } = "";

    /// <summary>The sweep's run: a random search of 6 trials over a log-uniform learning rate and an optimizer.</summary>
    public string SweepRun { get; private set; } = "";

    /// <summary>A successive-halving sweep: 6 candidates for 1 epoch, the best 2 for 3 (experiment "halving").</summary>
    public string HalvingRun { get; private set; } = "";

    /// <summary>The sweep's trials, as trained.</summary>
    public IReadOnlyList<string> SweepTrials { get; private set; } = [];

    /// <summary>A server over an empty store.</summary>
    public string EmptyUrl { get; private set; } = "";

    /// <summary>A second server, over a store of <see cref="Many"/>' runs: more than one page of the leaderboard.</summary>
    public string ManyUrl { get; private set; } = "";

    /// <summary>The runs of the second store: name, optimizer and val_accuracy.</summary>
    public IReadOnlyList<(string Name, string Optimizer, double Accuracy)> Many { get; private set; } = [];

    /// <summary>Where screenshots go: $PODIUM_SCREENSHOTS, or podium-screenshots under the temp folder.</summary>
    public static string Screenshots { get; } = Environment.GetEnvironmentVariable("PODIUM_SCREENSHOTS") is { Length: > 0 } given
        ? given : Path.Combine(Path.GetTempPath(), "podium-screenshots");

    public async Task InitializeAsync()
    {
        using (var board = Leaderboard.Open(_folder.Path, new TrackerOptions { CaptureSource = false }))
        {
            AdamRun = Train(board, "adam");
            SgdRun = Train(board, "sgd");
        }

        using (var tracker = Tracker.Open(_folder.Path, new TrackerOptions { CaptureSource = false }))
        using (var run = tracker.StartRun("web", ScriptName, seed: 3))
        {
            run.LogParams(new Dictionary<string, object> { ["note"] = ImageParam, ["optimizer"] = "rmsprop" });
            run.SetTag("comment", ImageTag);
            // A long series: the run page must draw it without fetching every point.
            for (var step = 1; step <= 100_000; step++)
            {
                run.LogMetric("loss", 1.0 / Math.Sqrt(step), step);
            }

            run.LogMetric("val_accuracy", 0.5, 1);
            // Keys the run page must order naturally (layer_2 before layer_10) and group by prefix.
            foreach (var layer in new[] { 10, 2, 1 })
            {
                run.LogMetric($"custom/layer_{layer}", layer, 1);
            }

            MarkupRun = run.Id;
        }

        using (var tracker = Tracker.Open(_folder.Path, new TrackerOptions { CaptureSource = false }))
        {
            var spec = Podium.Experiments.Specs.SweepSpec.Parse("""
                name: tiny-random
                experiment: sweeps
                data: {source: shapes, count: 96, size: 16, classes: 3, validation_split: 0.25}
                model: basic_cnn
                padding: same
                batch_size: 16
                epochs: 2
                fit_mode: nostop
                seed: 5
                method: random
                trials: 6
                sampler_seed: 0
                metric: {name: val_accuracy, goal: maximize}
                parameters:
                  learning_rate: {distribution: log_uniform_values, min: 0.0001, max: 0.01}
                  optimizer: [adam, sgd]
                """);
            SweepRun = Podium.Experiments.Sweeps.Sweep.Enqueue(tracker, spec);
            HalvingRun = Podium.Experiments.Sweeps.Sweep.Enqueue(tracker, Podium.Experiments.Specs.SweepSpec.Parse("""
                name: tiny-halving
                experiment: halving
                data: {source: shapes, count: 96, size: 16, classes: 3, validation_split: 0.25}
                model: basic_cnn
                padding: same
                batch_size: 16
                epochs: 3
                fit_mode: nostop
                seed: 5
                method: halving
                halving: {factor: 3, min_epochs: 1}
                metric: {name: val_accuracy, goal: maximize}
                parameters:
                  learning_rate: [0.0001, 0.001, 0.01]
                  optimizer: [adam, sgd]
                """));
        }

        using (var store = TrackingStores.Open(_folder.Path))
        {
            Podium.Experiments.Sweeps.SweepWorker.Run(store, new Podium.Experiments.Sweeps.WorkerOptions { Sweep = SweepRun, Poll = TimeSpan.FromMilliseconds(50) });
            Podium.Experiments.Sweeps.SweepWorker.Run(store, new Podium.Experiments.Sweeps.WorkerOptions { Sweep = HalvingRun, Poll = TimeSpan.FromMilliseconds(50) });
            SweepTrials = store.ListTrials(SweepRun).Select(t => t.RunId!).ToList();
        }

        _server = Podium.Server.PodiumServer.Create(new Podium.Server.ServerOptions { Store = _folder.Path, Port = 0 });
        await _server.StartAsync();
        Url = _server.Urls.Single();
        Many = Generate(_manyFolder.Path, 450);
        _manyServer = Podium.Server.PodiumServer.Create(new Podium.Server.ServerOptions { Store = _manyFolder.Path, Port = 0 });
        await _manyServer.StartAsync();
        ManyUrl = _manyServer.Urls.Single();
        _emptyServer = Podium.Server.PodiumServer.Create(new Podium.Server.ServerOptions { Store = _emptyFolder.Path, Port = 0, CreateStore = true });
        await _emptyServer.StartAsync();
        EmptyUrl = _emptyServer.Urls.Single();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PODIUM_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // As root Chromium needs --no-sandbox; SwiftShader gives Plotly's parallel coordinates WebGL without a GPU;
            // the rest keep Chromium from calling out to a network it cannot reach.
            Args = ["--no-sandbox", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>The experiments of the many runs: run i is in experiment i mod 3.</summary>
    public static readonly string[] Experiments = ["many-a", "many-b", "many-c"];

    /// <summary>Runs with params and metrics only, logged straight to the store; accuracies are distinct.</summary>
    private static List<(string, string, double)> Generate(string store, int count)
    {
        string[] optimizers = ["adam", "sgd", "rmsprop"];
        var runs = new List<(string, string, double)>();
        using var tracker = Tracker.Open(store, new TrackerOptions { CaptureSource = false });
        for (var i = 0; i < count; i++)
        {
            var name = $"many-{i:D3}";
            var optimizer = optimizers[i * 7 % 3];
            var accuracy = (i * 263 % count + 0.5) / count; // a permutation of the ranks
            var info = tracker.Store.CreateRun(new NewRun(Experiments[i % 3], name, i, null, new RunSource(null, null, "test"), RunEnvironment.Capture(), DateTimeOffset.UtcNow));
            var batch = new RunBatch();
            batch.Params.Add(new("optimizer", optimizer));
            batch.Metrics.Add(new("val_accuracy", new MetricPoint(0, accuracy, DateTimeOffset.UtcNow)));
            tracker.Store.LogBatch(info.Id, batch);
            tracker.Store.EndRun(info.Id, RunStatus.Finished, DateTimeOffset.UtcNow);
            runs.Add((name, optimizer, accuracy));
        }

        return runs;
    }

    private static string Train(Leaderboard board, string optimizer)
    {
        var file = RunFile.Parse($$"""
            name: web-{{optimizer}}
            experiment: web
            data: {source: shapes, count: 120, size: 16, classes: 3, validation_split: 0.25, augment: {horizontal_flip: true} }
            model: basic_cnn
            padding: same
            optimizer: {{optimizer}}
            batch_size: 16
            epochs: 2
            fit_mode: nostop
            seed: 5
            """);
        using var run = board.StartRun(file);
        run.Build().Fit().Evaluate().Outputs();
        return run.Run.Id;
    }

    /// <summary>A fresh page (its own context) at the UI, with a console error collector; light unless told dark.</summary>
    public async Task<(IPage Page, List<string> Errors)> Open(string route = "", string? url = null, bool dark = false, int width = 1440, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync((url ?? Url) + "/" + route);
        return (page, errors);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        foreach (var server in new[] { _server, _manyServer, _emptyServer })
        {
            if (server is not null)
            {
                await server.StopAsync();
                await server.DisposeAsync();
            }
        }

        _folder.Dispose();
        _manyFolder.Dispose();
        _emptyFolder.Dispose();
    }
}
