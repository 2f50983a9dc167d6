using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Podium.Tests;
using Podium.Tracking;
using Xunit;

namespace Podium.Web.Tests;

/// <summary>
/// Managing runs from the UI (rename, describe, tag, move, delete, restore) against a store of its own, with a second
/// tab that sees each change without a reload; the UI's files compressed and cached; dark mode; and the screenshots.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ManagementTests(WebFixture web)
{
    [Fact]
    public async Task Rename_describe_tag_move_delete_and_restore_round_trip_through_the_api_and_show_in_another_tab()
    {
        using var folder = new TempFolder();
        string id;
        using (var tracker = Tracker.Open(folder.Path, new TrackerOptions { CaptureSource = false }))
        using (var run = tracker.StartRun("manage", "before", seed: 1))
        {
            run.LogParam("optimizer", "adam");
            run.LogMetric("val_accuracy", 0.5, 1);
            run.LogMetric("val_accuracy", 0.6, 2);
            run.End();
            id = run.Id;
        }

        await using var server = await Start(folder.Path, token: "s3cret");
        var url = server.Urls.Single();
        var (page, errors) = await Open(url, $"#/runs/{id}", "s3cret");
        var (other, otherErrors) = await Open(url, $"#/runs/{id}", "s3cret");
        await page.WaitForSelectorAsync("body[data-ready='runs']");
        await other.WaitForSelectorAsync("body[data-ready='runs']");

        // Rename: the API has the new name, and the other tab shows it without a reload.
        await page.ClickAsync("#rename");
        await page.FillAsync("#inline-editor input", "after");
        await page.PressAsync("#inline-editor input", "Enter");
        await Assertions.Expect(page.Locator("#run-name")).ToContainTextAsync("after");
        Assert.Equal("after", (await Api(url, $"runs/{id}")).GetProperty("info").GetProperty("name").GetString());
        await Assertions.Expect(other.Locator("#run-name")).ToContainTextAsync("after", new() { Timeout = 10_000 });

        // A description in Markdown: formatting read, markup shown as text.
        await page.ClickAsync("#edit-description");
        await page.FillAsync("form.edit-description textarea", "Tried **warm-up** with `lr=0.1`.\n\n- <img src=x onerror=window.__pwned=1>\n- [docs](https://example.com)");
        await page.ClickAsync("form.edit-description button[type=submit]");
        await Assertions.Expect(page.Locator("#description strong")).ToHaveTextAsync("warm-up");
        Assert.Equal("lr=0.1", await page.InnerTextAsync("#description code"));
        Assert.Contains("<img src=x onerror=window.__pwned=1>", await page.InnerTextAsync("#description"));
        Assert.Equal(0, await page.Locator("#description img").CountAsync());
        Assert.Equal("https://example.com", await page.GetAttributeAsync("#description a", "href"));
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__pwned"));
        await Assertions.Expect(other.Locator("#description strong")).ToHaveTextAsync("warm-up", new() { Timeout = 10_000 });

        // Tags: added, then removed.
        await page.FillAsync("#new-tag", "stage=candidate");
        await page.PressAsync("#new-tag", "Enter");
        await Assertions.Expect(page.Locator("#tags .chip[data-tag='stage']")).ToContainTextAsync("stage: candidate");
        Assert.Equal("candidate", (await Api(url, $"runs/{id}")).GetProperty("tags").GetProperty("stage").GetString());
        await page.ClickAsync("#tags .chip[data-tag='stage'] .chip-x");
        await Assertions.Expect(page.Locator("#tags .chip[data-tag='stage']")).ToHaveCountAsync(0);
        Assert.False((await Api(url, $"runs/{id}")).GetProperty("tags").TryGetProperty("stage", out _));

        // Moved to another experiment.
        await page.ClickAsync("#move");
        await page.FillAsync("#inline-editor input", "shortlist");
        await page.PressAsync("#inline-editor input", "Enter");
        await Assertions.Expect(page.Locator(".sub a[href='#/?experiment=shortlist']")).ToHaveCountAsync(1);
        Assert.Equal("shortlist", (await Api(url, $"runs/{id}")).GetProperty("info").GetProperty("experiment").GetString());

        // Deleted: in the trash, off the leaderboard; restored from the trash page: back on it.
        await page.ClickAsync("#delete");
        await Assertions.Expect(page.Locator("#run-name .badge.trashed")).ToHaveCountAsync(1);
        await Assertions.Expect(other.Locator("#run-name .badge.trashed")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await page.GotoAsync(url + "/#/");
        await page.WaitForSelectorAsync("#empty, #leaderboard td.placeholder");
        await page.GotoAsync(url + "/#/trash");
        await Assertions.Expect(page.Locator("#trash tbody tr")).ToHaveCountAsync(1);
        await page.ClickAsync("#trash button.restore");
        await page.WaitForSelectorAsync("#trash-empty");
        await page.GotoAsync(url + "/#/");
        await BrowserTests.WaitForRows(page, 1);
        Assert.Equal(["after"], await BrowserTests.Column(page, "run"));
        Assert.Null((await Api(url, $"runs/{id}")).GetProperty("info").GetProperty("trashed_time").GetString());
        Assert.Empty(errors.Concat(otherErrors));
    }

    [Fact]
    public async Task A_training_run_draws_its_new_points_as_they_come_and_a_pinned_baseline_is_what_compare_measures_against()
    {
        using var folder = new TempFolder();
        using var tracker = Tracker.Open(folder.Path, new TrackerOptions { CaptureSource = false });
        string baseline;
        using (var done = tracker.StartRun("live", "done"))
        {
            done.LogMetric("loss", 1.0, 1);
            done.LogMetric("loss", 0.8, 2);
            done.LogMetric("val_accuracy", 0.5, 2);
            done.End();
            baseline = done.Id;
        }

        using var run = tracker.StartRun("live", "training");
        run.LogMetric("loss", 1.0, 1);
        run.LogMetric("loss", 0.9, 2);
        run.LogMetric("val_accuracy", 0.6, 2);
        run.Flush();
        await using var server = await Start(folder.Path, token: "s3cret");
        var url = server.Urls.Single();
        var (page, errors) = await Open(url, $"#/runs/{run.Id}", "s3cret");
        var points = page.Locator("[data-metric='loss'] circle");
        await Assertions.Expect(points).ToHaveCountAsync(2);

        // Another epoch lands in the store: the curve grows without a reload.
        run.LogMetric("loss", 0.7, 3);
        run.Flush();
        await Assertions.Expect(points).ToHaveCountAsync(3, new() { Timeout = 15_000 });

        // Pinned on the other run's page, the baseline is what compare measures the deltas from.
        await page.GotoAsync($"{url}/#/runs/{baseline}");
        await page.ClickAsync("#pin");
        await Assertions.Expect(page.Locator("#pin")).ToHaveTextAsync("Unpin baseline");
        await page.GotoAsync($"{url}/#/compare?runs={run.Id},{baseline}");
        await Assertions.Expect(page.Locator("#baseline")).ToHaveValueAsync(baseline);
        var accuracy = page.Locator("#compare-table tbody tr", new() { HasTextString = "metrics.val_accuracy" });
        await Assertions.Expect(accuracy.Locator("td").First.Locator(".delta")).ToHaveTextAsync("+0.1");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Per_class_scores_open_from_their_leaderboard_cell()
    {
        var (page, errors) = await web.Open("#/?experiment=web");
        await BrowserTests.WaitForRows(page, 3);
        var cell = page.Locator($"{BrowserTests.Rows} td[data-field='precision'] button.per-class").First;
        Assert.Matches(@"^3 classes · mean [0-9.]+ ▸$", await cell.InnerTextAsync());
        await cell.ClickAsync();
        var popup = page.Locator("#per-class-popup");
        Assert.Equal(["circle", "square", "triangle"], await popup.Locator("tr td:first-child").AllInnerTextsAsync());
        await page.Mouse.ClickAsync(5, 5);
        await Assertions.Expect(popup).ToHaveCountAsync(0);

        // An empty augmentation (the sweep's trials have none) is "none", not a per-class cell.
        await page.GotoAsync(web.Url + "/#/?experiment=sweeps");
        await BrowserTests.WaitForRows(page, 7);
        var augmentations = await page.Locator($"{BrowserTests.Rows} td[data-field='augmentations']").AllInnerTextsAsync();
        Assert.Contains("none", augmentations);
        Assert.DoesNotContain(augmentations, a => a.Contains("classes", StringComparison.Ordinal));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_ui_files_go_out_compressed_with_etags_and_the_libraries_cached_for_a_year_by_content_hash()
    {
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None });
        var request = new HttpRequestMessage(HttpMethod.Get, web.Url + "/");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        var page = await client.SendAsync(request);
        Assert.Equal("br", page.Content.Headers.ContentEncoding.Single());
        Assert.Equal("no-cache", page.Headers.CacheControl!.ToString());
        var html = await DecompressedText(page);
        var plotly = System.Text.RegularExpressions.Regex.Match(html, "/ui/plotly\\.min\\.js\\?v=[0-9a-f]{16}").Value;
        Assert.NotEmpty(plotly);

        // The library by its hashed address: compressed to under a third, cached for a year, and unchanged on asking again.
        var library = new HttpRequestMessage(HttpMethod.Get, web.Url + plotly);
        library.Headers.AcceptEncoding.ParseAdd("gzip");
        var answer = await client.SendAsync(library);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("gzip", answer.Content.Headers.ContentEncoding.Single());
        Assert.Equal("public, max-age=31536000, immutable", answer.Headers.CacheControl!.ToString());
        var compressed = (await answer.Content.ReadAsByteArrayAsync()).Length;
        var whole = (await new HttpClient().GetByteArrayAsync(web.Url + plotly)).Length;
        Assert.True(compressed * 3 < whole, $"{compressed:N0} compressed bytes of {whole:N0}");
        Assert.Contains("Accept-Encoding", answer.Headers.Vary);
        var again = new HttpRequestMessage(HttpMethod.Get, web.Url + plotly);
        again.Headers.IfNoneMatch.Add(answer.Headers.ETag!);
        var unchanged = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());

        // In the browser: a second visit, in a new tab, takes the library from its cache.
        var (browser, errors) = await web.Open($"#/compare?runs={web.AdamRun},{web.SgdRun}");
        await browser.WaitForSelectorAsync("#parallel .js-plotly-plot");
        var second = await browser.Context.NewPageAsync();
        await second.GotoAsync(web.Url + $"/#/sweeps/{web.SweepRun}");
        await second.WaitForSelectorAsync("#parallel .js-plotly-plot");
        var transferred = await second.EvaluateAsync<double>("() => performance.getEntriesByType('resource').find(e => e.name.includes('plotly.min.js')).transferSize");
        Assert.Equal(0, transferred);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Dark_mode_follows_the_system_setting_on_the_page_and_in_the_charts()
    {
        var (light, lightErrors) = await web.Open($"#/runs/{web.AdamRun}");
        var (dark, darkErrors) = await web.Open($"#/runs/{web.AdamRun}", dark: true);
        foreach (var page in new[] { light, dark })
        {
            await page.WaitForSelectorAsync("[data-metric='accuracy'] svg.plot");
        }

        Assert.True(await Luminance(light, "body") > 0.8);
        Assert.True(await Luminance(dark, "body") < 0.15);
        Assert.True(await Luminance(dark, ".card") < 0.2);
        // Chart text is light on the dark page.
        var tick = await dark.EvaluateAsync<string>("() => getComputedStyle(document.querySelector(\"[data-metric='accuracy'] .chart-title\")).fill");
        Assert.True(Brightness(tick) > 0.7, tick);
        Assert.Empty(lightErrors.Concat(darkErrors));
    }

    [Fact]
    public async Task Every_page_is_photographed_at_1440_by_900_in_light_and_dark()
    {
        using var client = new HttpClient();
        var manyIds = JsonDocument.Parse(await client.GetStringAsync(web.ManyUrl + "/api/runs?limit=50")).RootElement.GetProperty("runs")
            .EnumerateArray().Select(r => r.GetProperty("info").GetProperty("id").GetString()).ToList();
        var fingerprint = JsonDocument.Parse(await client.GetStringAsync($"{web.Url}/api/runs/{web.AdamRun}")).RootElement
            .GetProperty("datasets")[0].GetProperty("dataset").GetProperty("fingerprint").GetString();
        var pages = new (string Name, string Url, string Route, string Ready)[]
        {
            ("leaderboard", web.Url, "", "#leaderboard tbody tr[data-id]"),
            ("leaderboard-many", web.ManyUrl, "#/?experiment=many-b", "#leaderboard tbody tr[data-id]"),
            ("empty", web.EmptyUrl, "", "#empty"),
            ("run", web.Url, $"#/runs/{web.AdamRun}", "#mistakes img"),
            ("run-long-series", web.Url, $"#/runs/{web.MarkupRun}", "[data-metric='loss'] svg.plot"),
            ("charts", web.Url, $"#/charts?runs={string.Join(",", web.SweepTrials)}&group=params.optimizer", "[data-metric='val_accuracy'] svg.plot"),
            ("compare", web.Url, $"#/compare?runs={web.AdamRun},{web.SgdRun}", "#parallel .js-plotly-plot"),
            ("compare-50", web.ManyUrl, $"#/compare?runs={string.Join(",", manyIds)}", "#compare-table"),
            ("sweep", web.Url, $"#/sweeps/{web.SweepRun}", "#importance .js-plotly-plot"),
            ("sweep-halving", web.Url, $"#/sweeps/{web.HalvingRun}", "#importance .js-plotly-plot"),
            ("datasets", web.Url, "#/datasets", "#datasets"),
            ("dataset", web.Url, $"#/datasets/{fingerprint}", "#samples img"),
            ("trash", web.Url, "#/trash", "#trash-empty"),
        };
        foreach (var dark in new[] { false, true })
        {
            foreach (var (name, url, route, ready) in pages)
            {
                var (page, errors) = await web.Open(route, url, dark);
                await page.WaitForSelectorAsync(ready);
                await page.WaitForTimeoutAsync(400); // images and charts settle
                var file = Path.Combine(WebFixture.Screenshots, $"{name}-{(dark ? "dark" : "light")}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file });
                Assert.True(new FileInfo(file).Length > 10_000, file);
                Assert.Empty(errors);
                await page.Context.CloseAsync();
            }
        }
    }

    private static async Task<double> Luminance(IPage page, string selector) =>
        Brightness(await page.EvaluateAsync<string>($"() => getComputedStyle(document.querySelector('{selector}')).backgroundColor"));

    // The mean of an rgb(…) colour's channels, 0 to 1.
    private static double Brightness(string rgb)
    {
        var channels = System.Text.RegularExpressions.Regex.Matches(rgb, "[0-9.]+").Take(3).Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return channels.Average() / 255;
    }

    private static async Task<string> DecompressedText(HttpResponseMessage response)
    {
        await using var body = await response.Content.ReadAsStreamAsync();
        await using var brotli = new System.IO.Compression.BrotliStream(body, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(brotli);
        return await reader.ReadToEndAsync();
    }

    private static async Task<JsonElement> Api(string url, string path)
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        return JsonDocument.Parse(await client.GetStringAsync($"{url}/api/{path}")).RootElement;
    }

    private async Task<(IPage, List<string>)> Open(string url, string route, string token)
    {
        var (page, errors) = await web.Open("#/none", url);
        // The UI asks for the token once per tab and keeps it for the tab.
        await page.EvaluateAsync("t => sessionStorage.setItem('podium-token', t)", token);
        await page.GotoAsync(url + "/" + route);
        return (page, errors);
    }

    private static async Task<Served> Start(string store, string token)
    {
        var server = Podium.Server.PodiumServer.Create(new Podium.Server.ServerOptions { Store = store, Port = 0, Token = token });
        await server.StartAsync();
        return new Served(server);
    }

    private sealed class Served(WebApplication server) : IAsyncDisposable
    {
        public ICollection<string> Urls => server.Urls;

        public async ValueTask DisposeAsync()
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }
    }
}
