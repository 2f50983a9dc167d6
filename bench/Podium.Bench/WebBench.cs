using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Podium.Server;
using Podium.Tracking;

/// <summary>
/// podium serve's figures: ingestion over HTTP from one client (batches of 10,000 points on one kept-alive
/// connection), the leaderboard page with 10,000 runs in headless Chromium, and a run page over a 100,000-point series.
/// </summary>
internal static class WebBench
{
    public static async Task Run(string? store, bool pages = true)
    {
        List<string> overlay;
        const int Runs = 10_000;
        store ??= Path.Combine(Path.GetTempPath(), $"podium-bench-web-{Runs}");
        using (var tracker = Tracker.Open(store, new TrackerOptions { CaptureSource = false }))
        {
            if (tracker.Store.CountRuns(Podium.Tracking.Query.RunQuery.All) == 0)
            {
                LeaderboardBench.Generate(tracker, Runs);
            }

            overlay = OverlayRuns(tracker);
        }

        var server = PodiumServer.Create(new ServerOptions { Store = store, Port = 0 });
        await server.StartAsync();
        var url = server.Urls.Single();
        try
        {
            var longRun = await Ingest(url);
            ThroughTheLibrary(url);
            if (pages)
            {
                await Pages(url, longRun, overlay);
            }
        }
        finally
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }
    }

    /// <summary>1,000,000 metric points in batches of 10,000; returns the run, which holds a 100,000-point series.</summary>
    private static async Task<string> Ingest(string url)
    {
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        var created = await client.PostAsJsonAsync("/api/runs", new { experiment = "ingest", name = "http-ingest" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        const int Batch = 10_000, Batches = 100;
        var clock = Stopwatch.StartNew();
        for (var b = 0; b < Batches; b++)
        {
            // Ten keys of 1,000 steps each per batch: 100,000 steps per key in all.
            var metrics = Enumerable.Range(0, Batch).Select(i => new
            {
                key = "metric_" + (i % 10), value = Math.Sin((b * 1000 + i / 10) / 500.0), step = b * 1000 + i / 10,
            });
            var response = await client.PostAsJsonAsync($"/api/runs/{id}/batch", new { metrics });
            response.EnsureSuccessStatusCode();
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"web: HTTP ingestion, one client, batches of {Batch:N0}: {Batch * Batches / seconds:N0} points/s ({Batch * Batches:N0} points in {seconds:F2} s)");
        await client.PostAsJsonAsync($"/api/runs/{id}/end", new { status = "finished" });
        return id;
    }

    /// <summary>1,000,000 points through the library's remote store: Run.LogMetric, buffered and sent in batches (PODIUM_TRACKING_URI).</summary>
    private static void ThroughTheLibrary(string url)
    {
        using var tracker = Tracker.Open(url, new TrackerOptions { CaptureSource = false });
        for (var repeat = 0; repeat < 3; repeat++)
        {
            var clock = Stopwatch.StartNew();
            using var run = tracker.StartRun("ingest", "library-ingest");
            for (var step = 0; step < 100_000; step++)
            {
                for (var key = 0; key < 10; key++)
                {
                    run.LogMetric(Keys[key], Math.Cos(step / 700.0) + key, step);
                }
            }

            run.End();
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"web: remote store (Tracker over {url}), Run.LogMetric: {1_000_000 / seconds:N0} points/s (1,000,000 points in {seconds:F2} s, batches of {tracker.Options.FlushPoints:N0})");
        }
    }

    private static readonly string[] Keys = Enumerable.Range(0, 10).Select(k => "metric_" + k).ToArray();

    /// <summary>20 runs of 4 curves × 100 epochs (experiment "overlay"), made once per store: what the overlay chart draws.</summary>
    private static List<string> OverlayRuns(Tracker tracker)
    {
        var query = Podium.Tracking.Query.RunQuery.All with { Experiment = "overlay" };
        if (tracker.Store.CountRuns(query) < 20)
        {
            for (var r = 0; r < 20; r++)
            {
                using var run = tracker.StartRun("overlay", $"overlay-{r}", seed: r);
                run.LogParam("seed", r);
                run.LogParam("optimizer", r % 2 == 0 ? "adam" : "sgd");
                for (var epoch = 1; epoch <= 100; epoch++)
                {
                    var progress = 1 - Math.Exp(-epoch / (20.0 + r));
                    run.LogMetrics(new Dictionary<string, double>
                    {
                        ["loss"] = 2 - 1.7 * progress, ["val_loss"] = 2.1 - 1.6 * progress,
                        ["accuracy"] = 0.1 + 0.85 * progress, ["val_accuracy"] = 0.1 + 0.8 * progress,
                    }, epoch);
                }

                run.End();
            }
        }

        return tracker.Store.SearchRuns(query with { Limit = 20 }).Select(r => r.Info.Id).ToList();
    }

    private static async Task Pages(string url, string longRun, List<string> overlay)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PODIUM_CHROMIUM") ?? "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var board = new List<double>();
        var sort = new List<double>();
        var filter = new List<double>();
        var scroll = new List<double>();
        var run = new List<double>();
        var overlaid = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
            var page = await context.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(url + "/");
            await page.WaitForSelectorAsync("#leaderboard[data-loaded]");
            var loaded = clock.Elapsed.TotalMilliseconds;
            // In the page, from the navigation's start (what the user waits for once the browser is up).
            await page.WaitForFunctionAsync("() => performance.getEntriesByName('podium:first-rows').length > 0");
            var first = await page.EvaluateAsync<double>("() => performance.getEntriesByName('podium:first-rows')[0].startTime");
            var status = await page.InnerTextAsync("#status");

            // A header sort: the server orders all 10,000 runs and sends the first page, which is drawn.
            clock.Restart();
            await page.ClickAsync("#leaderboard thead th[data-field='val_accuracy'] button.title");
            await Drawn(page, 2);
            var sorted = clock.Elapsed.TotalMilliseconds;

            // A column filter, typed at once: the server filters and counts every run.
            await page.FillAsync("#leaderboard thead th[data-field='optimizer'] input", "adam");
            clock.Restart();
            await page.PressAsync("#leaderboard thead th[data-field='optimizer'] input", "Enter");
            await Drawn(page, 3);
            var filtered = clock.Elapsed.TotalMilliseconds;
            var narrowed = await page.InnerTextAsync("#status");

            // The next page of 50: asked for and drawn.
            clock.Restart();
            await page.ClickAsync("#pager button[data-page='next']");
            await Drawn(page, 4);
            var scrolled = clock.Elapsed.TotalMilliseconds;

            // The run page and the overlay, each opened as a new page (a navigation), timed in the page from its start
            // to the charts drawn: what a user waits for after following a link from elsewhere.
            var runTab = await context.NewPageAsync();
            await runTab.GotoAsync(url + "/#/runs/" + longRun);
            await runTab.WaitForFunctionAsync("() => performance.getEntriesByName('podium:run-drawn').length > 0", null, new() { Timeout = 60_000 });
            var runPage = await runTab.EvaluateAsync<double>("() => performance.getEntriesByName('podium:run-drawn')[0].startTime");
            var drawn = await runTab.InnerTextAsync("[data-metric='metric_0'] .status");
            var overlayTab = await context.NewPageAsync();
            await overlayTab.GotoAsync(url + "/#/charts?runs=" + string.Join(",", overlay));
            await overlayTab.WaitForFunctionAsync("() => performance.getEntriesByName('podium:charts-drawn').length > 0", null, new() { Timeout = 60_000 });
            var charts = await overlayTab.EvaluateAsync<double>("() => performance.getEntriesByName('podium:charts-drawn')[0].startTime");
            var series = await overlayTab.InnerTextAsync("#overlay-status");
            Console.WriteLine($"web:   leaderboard: first page in the table {first:F0} ms after navigation start ({loaded:F0} ms from Playwright's goto); sort {sorted:F0} ms; column filter {filtered:F0} ms; next page {scrolled:F0} ms; run page {runPage:F0} ms; overlay of 20 runs {charts:F0} ms ({series})");
            if (i > 0)
            {
                // The first visit warms the server's JIT and Chromium's caches; the rest are measured.
                board.Add(first);
                sort.Add(sorted);
                filter.Add(filtered);
                scroll.Add(scrolled);
                run.Add(runPage);
                overlaid.Add(charts);
            }
            else
            {
                Console.WriteLine($"web: leaderboard page shows \"{status}\", then \"{narrowed}\"; run page: \"{drawn}\"");
            }

            await context.CloseAsync();
        }

        Console.WriteLine($"web: leaderboard page, 10,000 runs, interactive (first page of 50 in the table, from navigation start; aim 300 ms): median {Median(board):F0} ms (of {string.Join(", ", board.Select(t => t.ToString("F0")))})");
        Console.WriteLine($"web: sorting all 10,000 by a column header, on the server, to the new first page drawn: median {Median(sort):F0} ms");
        Console.WriteLine($"web: a column filter over all 10,000, to the rows and count drawn: median {Median(filter):F0} ms");
        Console.WriteLine($"web: the next page of 50: median {Median(scroll):F0} ms");
        Console.WriteLine($"web: run page with ten 100,000-point series, from navigation start to the charts on the first screen drawn (the rest draw as they near the screen): median {Median(run):F0} ms (aim 500 ms)");
        Console.WriteLine($"web: overlay of 20 runs' curves (4 metrics x 100 epochs each), from navigation start to drawn: median {Median(overlaid):F0} ms (aim 1,000 ms)");
    }

    /// <summary>Waits until the table has drawn its first page the given number of times since the page opened.</summary>
    private static Task Drawn(IPage page, int times) =>
        page.WaitForFunctionAsync("n => performance.getEntriesByName('podium:first-rows').length >= n", times);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
