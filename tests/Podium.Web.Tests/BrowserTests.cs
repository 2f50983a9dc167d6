using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace Podium.Web.Tests;

/// <summary>The web UI in headless Chromium against the real server: leaderboard, run, compare and dataset pages.</summary>
public sealed partial class BrowserTests(WebFixture web) : IClassFixture<WebFixture>
{
    private const string Rows = "#leaderboard .tabulator-row";

    private static async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(WebFixture.Screenshots, name), FullPage = true });

    private static async Task<IReadOnlyList<string>> Column(IPage page, string field) =>
        await page.Locator($"{Rows} .tabulator-cell[tabulator-field='{field}']").AllInnerTextsAsync();

    private static async Task WaitForRows(IPage page, int count) =>
        await Assertions.Expect(page.Locator(Rows)).ToHaveCountAsync(count);

    [Fact]
    public async Task The_leaderboard_ranks_every_run_then_filters_with_the_query_language_and_sorts_by_a_column()
    {
        var (page, errors) = await web.Open();
        await WaitForRows(page, 3);
        Assert.Equal(["1", "2", "3"], await Column(page, "rank"));

        await page.FillAsync("#filter", "params.optimizer = 'sgd'");
        await page.PressAsync("#filter", "Enter");
        await WaitForRows(page, 1);
        Assert.Equal(["web-sgd"], (await Column(page, "run")).Select(r => r[..7]));
        Assert.Contains("params.optimizer = 'sgd'", await page.InnerTextAsync("#status"));

        await page.FillAsync("#filter", "");
        await page.PressAsync("#filter", "Enter");
        await WaitForRows(page, 3);
        await page.ClickAsync(".tabulator-col[tabulator-field='val_accuracy'] .tabulator-col-title");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("ORDER BY metrics.val_accuracy ASC");
        var ascending = (await Column(page, "val_accuracy")).Select(double.Parse).ToList();
        Assert.Equal(ascending.Order(), ascending);
        await page.ClickAsync(".tabulator-col[tabulator-field='val_accuracy'] .tabulator-col-title");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("ORDER BY metrics.val_accuracy DESC");
        var descending = (await Column(page, "val_accuracy")).Select(double.Parse).ToList();
        Assert.Equal(descending.OrderDescending(), descending);

        await Shot(page, "leaderboard.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_column_filter_narrows_the_rows_and_a_bad_query_gets_the_parsers_message_keeping_the_table()
    {
        var (page, errors) = await web.Open();
        await WaitForRows(page, 3);

        // Typed key by key, as a user does: the column filter applies as they type.
        var optimizer = page.Locator(".tabulator-col[tabulator-field='optimizer'] input");
        await optimizer.PressSequentiallyAsync("adam");
        await WaitForRows(page, 1);
        await optimizer.PressAsync("Control+A");
        await optimizer.PressAsync("Backspace");
        await WaitForRows(page, 3);

        await page.FillAsync("#filter", "metrics.val_accuracy >");
        await page.PressAsync("#filter", "Enter");
        var message = await page.Locator("#query-error").InnerTextAsync();
        Assert.Matches("expected|value|end", message);
        Assert.Equal(3, await page.Locator(Rows).CountAsync());
        Assert.DoesNotContain(errors, e => !e.Contains("400", StringComparison.Ordinal)); // the answer itself is logged
    }

    [Fact]
    public async Task A_long_leaderboard_loads_a_page_at_a_time_and_sorts_and_filters_every_run_on_the_server()
    {
        var many = web.Many;
        var (page, errors) = await web.Open(url: web.ManyUrl);
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"200 of {many.Count} runs");
        Assert.Equal(many.MaxBy(r => r.Accuracy).Name, (await Column(page, "run"))[0]);

        // Scrolling to the end asks for the next pages until every run is in the table.
        var holder = page.Locator("#leaderboard .tabulator-tableholder");
        await Assertions.Expect(page.Locator("#leaderboard")).ToHaveAttributeAsync("data-loaded", "200");
        for (var i = 0; i < 10 && await page.GetAttributeAsync("#leaderboard", "data-loaded") != $"{many.Count}"; i++)
        {
            await holder.EvaluateAsync("e => { e.scrollTop = e.scrollHeight; }");
            await page.WaitForTimeoutAsync(300);
        }

        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"{many.Count} of {many.Count} runs");
        await holder.EvaluateAsync("e => { e.scrollTop = e.scrollHeight; }");
        await Assertions.Expect(page.Locator($"{Rows} .tabulator-cell[tabulator-field='rank']", new() { HasTextString = $"{many.Count}" })).ToHaveCountAsync(1);

        // A header sort orders all the runs, not the rows loaded: the worst run of all comes first.
        await page.ClickAsync(".tabulator-col[tabulator-field='val_accuracy'] .tabulator-col-title");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("ORDER BY metrics.val_accuracy ASC");
        Assert.Equal(many.MinBy(r => r.Accuracy).Name, (await Column(page, "run"))[0]);

        // Column filters become the query language, counted over every run.
        await page.Locator(".tabulator-col[tabulator-field='optimizer'] input").PressSequentiallyAsync("sgd");
        var sgd = many.Where(r => r.Optimizer == "sgd").ToList();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"{Math.Min(200, sgd.Count)} of {sgd.Count} runs");
        Assert.Contains("params.optimizer ILIKE '%sgd%'", await page.InnerTextAsync("#status"));
        await page.Locator(".tabulator-col[tabulator-field='val_accuracy'] input").PressSequentiallyAsync("> 0.9");
        var best = sgd.Where(r => r.Accuracy > 0.9).OrderBy(r => r.Accuracy).ToList();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"{best.Count} of {best.Count} runs");
        Assert.Equal(best.Select(r => r.Name), await Column(page, "run"));

        // A filter the query language cannot take says why and keeps the rows.
        await page.Locator(".tabulator-col[tabulator-field='val_accuracy'] input").FillAsync("high");
        await page.Locator(".tabulator-col[tabulator-field='val_accuracy'] input").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#query-error")).ToContainTextAsync("val_accuracy filter takes a number");
        Assert.Equal(best.Count, await page.Locator(Rows).CountAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_running_run_updates_in_place_on_the_leaderboard_until_it_ends()
    {
        using var folder = new Podium.Tests.TempFolder();
        using var tracker = Podium.Tracking.Tracker.Open(folder.Path, new Podium.Tracking.TrackerOptions { CaptureSource = false });
        using var run = tracker.StartRun("live", "still-training");
        run.LogMetric("val_accuracy", 0.25, 1);
        run.Flush();
        var server = Podium.Server.PodiumServer.Create(new Podium.Server.ServerOptions { Store = folder.Path, Port = 0 });
        await server.StartAsync();
        try
        {
            var (page, errors) = await web.Open(url: server.Urls.Single());
            var accuracy = page.Locator($"{Rows} .tabulator-cell[tabulator-field='val_accuracy']");
            await Assertions.Expect(accuracy).ToHaveTextAsync("0.25");
            await Assertions.Expect(page.Locator($"{Rows} .tabulator-cell[tabulator-field='status']")).ToHaveTextAsync("running");

            // Another process's epoch lands in the store; the page shows it without a reload.
            run.LogMetric("val_accuracy", 0.75, 2);
            run.Flush();
            await Assertions.Expect(accuracy).ToHaveTextAsync("0.75", new() { Timeout = 15_000 });
            run.End();
            await Assertions.Expect(page.Locator($"{Rows} .tabulator-cell[tabulator-field='status']")).ToHaveTextAsync("finished", new() { Timeout = 15_000 });
            Assert.Empty(errors);
        }
        finally
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_run_page_shows_its_params_data_network_graph_curves_and_evaluation()
    {
        var (page, errors) = await web.Open($"#/runs/{web.AdamRun}");
        await page.WaitForSelectorAsync("body[data-ready='runs']");
        await page.WaitForSelectorAsync("#model-graph svg");
        await page.WaitForSelectorAsync("[data-metric='accuracy'] .js-plotly-plot");
        await page.WaitForSelectorAsync("text=Confusion matrix");
        var text = await page.InnerTextAsync("main");

        Assert.StartsWith("web-adam", await page.InnerTextAsync("#run-name"));
        Assert.Contains("optimizer\tadam", text);
        Assert.Contains("3: circle, square, triangle", text);  // the data card's classes
        Assert.Contains("horizontal_flip", text);               // and its augmentations
        Assert.Contains("conv2d_2", await page.InnerTextAsync("#summary"));
        Assert.Contains("conv2d_1", await page.InnerTextAsync("#model-graph"));
        Assert.Contains("evaluation.json", text);
        Assert.Contains("Gradient norms per layer", text);
        Assert.DoesNotContain("has no metric", text);
        await Shot(page, "run.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Comparing_two_runs_selected_on_the_leaderboard_marks_the_params_that_differ()
    {
        var (page, errors) = await web.Open();
        await WaitForRows(page, 3);
        await page.FillAsync("#filter", "params.optimizer IN ('adam', 'sgd')");
        await page.PressAsync("#filter", "Enter");
        await WaitForRows(page, 2);
        foreach (var box in await page.Locator($"{Rows} input[type=checkbox]").AllAsync())
        {
            await box.CheckAsync();
        }

        await page.ClickAsync("#compare");
        await page.WaitForSelectorAsync("#compare-table");
        var differing = await page.Locator("#compare-table tr.differs th").AllInnerTextsAsync();
        var same = await page.Locator("#compare-table tr:not(.differs) th").AllInnerTextsAsync();

        Assert.Contains("params.optimizer", differing);
        Assert.Contains("params.batch_size", same);
        Assert.Contains("model", same);
        await page.WaitForSelectorAsync(".js-plotly-plot");
        await page.WaitForSelectorAsync("text=Parallel coordinates");
        Assert.DoesNotContain("WebGL is not supported", await page.InnerTextAsync("main"));
        await Shot(page, "compare.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_dataset_page_lists_the_runs_that_used_it()
    {
        var (page, errors) = await web.Open("#/datasets");
        await page.ClickAsync("#datasets a");
        await page.WaitForSelectorAsync("#dataset-runs");

        var runs = await page.Locator("#dataset-runs tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(4, runs.Count); // two runs, each with a train and a validation split
        Assert.Equal(["web-adam", "web-sgd"], runs.Distinct().Order());
        await Shot(page, "dataset.png");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Markup_in_a_run_name_param_or_tag_shows_as_text_and_never_runs()
    {
        var (page, errors) = await web.Open();
        await WaitForRows(page, 3);
        Assert.Contains(WebFixture.ScriptName, await Column(page, "run"));

        var (runPage, runErrors) = await web.Open($"#/runs/{web.MarkupRun}");
        await runPage.WaitForSelectorAsync("body[data-ready='runs']");
        await runPage.WaitForSelectorAsync("[data-metric='loss'] .js-plotly-plot");
        var text = await runPage.InnerTextAsync("main");

        Assert.Contains(WebFixture.ScriptName, await runPage.InnerTextAsync("#run-name"));
        Assert.Contains(WebFixture.ImageParam, text);
        Assert.Contains(WebFixture.ImageTag, text);
        foreach (var p in new[] { page, runPage })
        {
            Assert.Equal("undefined", await p.EvaluateAsync<string>("typeof window.__pwned"));
            Assert.Equal(0, await p.Locator("main img, main script").CountAsync());
        }

        // The 100,000-point series is drawn from the server's downsampled points, not all of them.
        Assert.Matches(Drawn(), await runPage.InnerTextAsync("[data-metric='loss']"));
        Assert.Empty(errors.Concat(runErrors));
    }

    [GeneratedRegex(@"[\d,]+ of 100,000 points drawn")]
    private static partial Regex Drawn();
}
