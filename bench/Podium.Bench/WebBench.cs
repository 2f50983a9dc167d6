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
        const int Runs = 10_000;
        store ??= Path.Combine(Path.GetTempPath(), $"podium-bench-web-{Runs}");
        using (var tracker = Tracker.Open(store, new TrackerOptions { CaptureSource = false }))
        {
            if (tracker.Store.CountRuns(Podium.Tracking.Query.RunQuery.All) == 0)
            {
                LeaderboardBench.Generate(tracker, Runs);
            }
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
                await Pages(url, longRun);
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

    private static async Task Pages(string url, string longRun)
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
        for (var i = 0; i < 4; i++)
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
            await page.ClickAsync(".tabulator-col[tabulator-field='val_accuracy'] .tabulator-col-title");
            await Drawn(page, 2);
            var sorted = clock.Elapsed.TotalMilliseconds;

            // A column filter, typed at once: the server filters and counts every run.
            await page.FillAsync(".tabulator-col[tabulator-field='optimizer'] input", "adam");
            clock.Restart();
            await page.PressAsync(".tabulator-col[tabulator-field='optimizer'] input", "Enter");
            await Drawn(page, 3);
            var filtered = clock.Elapsed.TotalMilliseconds;
            var narrowed = await page.InnerTextAsync("#status");

            // Scrolling to the end of the first page: the next one is asked for and drawn.
            clock.Restart();
            await page.EvalOnSelectorAsync("#leaderboard .tabulator-tableholder", "e => { e.scrollTop = e.scrollHeight; }");
            await page.WaitForSelectorAsync("#leaderboard[data-loaded='400'] .tabulator-row:nth-child(1)");
            await page.EvaluateAsync("() => new Promise((resolve) => requestAnimationFrame(resolve))");
            var scrolled = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            await page.GotoAsync(url + "/#/runs/" + longRun);
            await page.WaitForSelectorAsync("body[data-ready='runs']");
            var runPage = clock.Elapsed.TotalMilliseconds;
            var drawn = await page.InnerTextAsync("[data-metric='metric_0'] .status");
            Console.WriteLine($"web:   leaderboard: first page in the table {first:F0} ms after navigation start ({loaded:F0} ms from Playwright's goto); sort {sorted:F0} ms; column filter {filtered:F0} ms; next page on scrolling {scrolled:F0} ms; run page {runPage:F0} ms");
            if (i > 0)
            {
                // The first visit warms the server's JIT and Chromium's caches; the rest are measured.
                board.Add(first);
                sort.Add(sorted);
                filter.Add(filtered);
                scroll.Add(scrolled);
                run.Add(runPage);
            }
            else
            {
                Console.WriteLine($"web: leaderboard page shows \"{status}\", then \"{narrowed}\"; run page: \"{drawn}\"");
            }

            await context.CloseAsync();
        }

        Console.WriteLine($"web: leaderboard page, 10,000 runs, interactive (first page of 200 in the table, from navigation start): median {Median(board):F0} ms (of {string.Join(", ", board.Select(t => t.ToString("F0")))})");
        Console.WriteLine($"web: sorting all 10,000 by a column header, on the server, to the new first page drawn: median {Median(sort):F0} ms");
        Console.WriteLine($"web: a column filter over all 10,000, to the rows and count drawn: median {Median(filter):F0} ms");
        Console.WriteLine($"web: scrolling to the next page of 200: median {Median(scroll):F0} ms");
        Console.WriteLine($"web: run page with a 100,000-point series per metric, to fully drawn: median {Median(run):F0} ms");
    }

    /// <summary>Waits until the table has drawn its first page the given number of times since the page opened.</summary>
    private static Task Drawn(IPage page, int times) =>
        page.WaitForFunctionAsync("n => performance.getEntriesByName('podium:first-rows').length >= n", times);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
