using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace Podium.Web.Tests;

/// <summary>The web UI in headless Chromium against the real server: leaderboard, run, compare and dataset pages.</summary>
[Collection(WebCollection.Name)]
public sealed partial class BrowserTests(WebFixture web)
{
    internal const string Rows = "#leaderboard tbody tr[data-id]";

    internal static async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(WebFixture.Screenshots, name), FullPage = true });

    internal static async Task<IReadOnlyList<string>> Column(IPage page, string field) =>
        await page.Locator($"{Rows} td[data-field='{field}']").AllInnerTextsAsync();

    private static ILocator FirstRun(IPage page) => page.Locator($"{Rows} td[data-field='run']").First;

    internal static async Task WaitForRows(IPage page, int count) =>
        await Assertions.Expect(page.Locator(Rows)).ToHaveCountAsync(count);

    private static readonly int RunsInMainStore = 2 + 1 + 1 + 6 + 1 + 8; // two trained, the markup run, two sweeps and their trials

    [Fact]
    public async Task The_leaderboard_ranks_every_run_then_filters_with_the_query_language_and_sorts_by_a_column_keeping_each_runs_rank()
    {
        var (page, errors) = await web.Open();
        await WaitForRows(page, RunsInMainStore);
        Assert.Equal(Enumerable.Range(1, RunsInMainStore).Select(i => i.ToString(CultureInfo.InvariantCulture)), await Column(page, "rank"));

        await page.FillAsync("#filter", "params.optimizer = 'sgd' AND attributes.experiment = 'web'");
        await page.PressAsync("#filter", "Enter");
        await WaitForRows(page, 1);
        Assert.Equal(["web-sgd"], (await Column(page, "run")).Select(r => r[..7]));
        Assert.Contains("params.optimizer = 'sgd'", await page.InnerTextAsync("#status"));

        await page.FillAsync("#filter", "");
        await page.PressAsync("#filter", "Enter");
        await WaitForRows(page, RunsInMainStore);
        var ranked = (await Column(page, "run")).Zip(await Column(page, "rank")).ToDictionary(p => p.First, p => p.Second);
        await page.ClickAsync("#leaderboard thead th[data-field='val_accuracy'] button.title");
        await page.ClickAsync("#leaderboard thead th[data-field='val_accuracy'] button.title");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("ORDER BY metrics.val_accuracy ASC");
        var ascending = (await Column(page, "val_accuracy")).Where(v => v.Length > 0).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ascending.Order(), ascending);

        // The rank stays each run's place in the ranking: the worst run first, with the last rank, not 1.
        var resorted = (await Column(page, "run")).Zip(await Column(page, "rank")).ToList();
        Assert.All(resorted, pair => Assert.Equal(ranked[pair.First], pair.Second));
        Assert.NotEqual("1", resorted[0].Second);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_view_lives_in_the_address_and_survives_reload_and_Back()
    {
        var (page, errors) = await web.Open(url: web.ManyUrl);
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"1–50 of {web.Many.Count} runs");

        // An experiment from the sidebar, with its count.
        var experiment = WebFixture.Experiments[1];
        var inExperiment = web.Many.Where((_, i) => i % 3 == 1).ToList();
        var link = page.Locator($"#experiments a[data-experiment='{experiment}']");
        await Assertions.Expect(link).ToContainTextAsync(inExperiment.Count.ToString(CultureInfo.InvariantCulture));
        await link.ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"of {inExperiment.Count} runs");

        // A filter, a header sort, the next page and a selected row.
        await page.FillAsync("#filter", "params.optimizer != 'rmsprop'");
        await page.PressAsync("#filter", "Enter");
        var matching = inExperiment.Where(r => r.Optimizer != "rmsprop").OrderBy(r => r.Accuracy).ToList();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"of {matching.Count} runs");
        var filtered = page.Url;
        await page.ClickAsync("#leaderboard thead th[data-field='val_accuracy'] button.title");
        await page.ClickAsync("#leaderboard thead th[data-field='val_accuracy'] button.title");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("ORDER BY metrics.val_accuracy ASC");
        await Assertions.Expect(FirstRun(page)).ToHaveTextAsync(matching[0].Name);
        await page.ClickAsync("#pager button[data-page='next']");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"51–{Math.Min(100, matching.Count)} of {matching.Count}");
        await page.Locator($"{Rows}").Nth(2).Locator("input[type=checkbox]").CheckAsync();
        await Assertions.Expect(page.Locator("#chosen")).ToHaveTextAsync("1 selected");
        var view = page.Url;
        foreach (var part in new[] { "experiment=" + experiment, "filter=", "order=metrics.val_accuracy", "page=2", "selected=" })
        {
            Assert.Contains(part, Uri.UnescapeDataString(view.Replace('+', ' ')), StringComparison.Ordinal);
        }

        // Reloaded, the same view: experiment, filter, sort, page and selection.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"51–{Math.Min(100, matching.Count)} of {matching.Count}");
        Assert.Equal("params.optimizer != 'rmsprop'", await page.InputValueAsync("#filter"));
        await Assertions.Expect(FirstRun(page)).ToHaveTextAsync(matching[50].Name);
        Assert.True(await page.Locator($"{Rows}").Nth(2).Locator("input[type=checkbox]").IsCheckedAsync());
        await Assertions.Expect(page.Locator("#experiments a.active")).ToHaveAttributeAsync("data-experiment", experiment);

        // Back: page 1 of the same sort; further back: before the sort, with the filter.
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"1–50 of {matching.Count}");
        await Assertions.Expect(FirstRun(page)).ToHaveTextAsync(matching[0].Name);
        for (var i = 0; i < 6 && page.Url != filtered; i++)
        {
            await page.GoBackAsync();
        }

        Assert.Equal(filtered, page.Url);
        await Assertions.Expect(page.Locator("#status")).Not.ToContainTextAsync("ASC");
        await Assertions.Expect(FirstRun(page)).ToHaveTextAsync(matching.MaxBy(r => r.Accuracy).Name);

        // A shared address opens the same view in a new tab.
        var (shared, sharedErrors) = await web.Open(url: web.ManyUrl, route: new Uri(view).Fragment);
        await Assertions.Expect(shared.Locator("#status")).ToContainTextAsync($"51–{Math.Min(100, matching.Count)} of {matching.Count}");
        Assert.Empty(errors.Concat(sharedErrors));
    }

    [Fact]
    public async Task A_saved_view_comes_back_from_the_sidebar_and_can_be_forgotten()
    {
        var (page, errors) = await web.Open("#/?experiment=many-c&filter=" + Uri.EscapeDataString("metrics.val_accuracy > 0.5"), url: web.ManyUrl);
        var sgd = web.Many.Where((r, i) => i % 3 == 2 && r.Accuracy > 0.5).ToList();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"of {sgd.Count} runs");
        await page.ClickAsync("#save-view");
        await page.FillAsync("#inline-editor input", "good in c");
        await page.PressAsync("#inline-editor input", "Enter");
        await Assertions.Expect(page.Locator("#saved-views a")).ToHaveTextAsync("good in c");

        // From another view, the saved one comes back whole: experiment and filter.
        await page.GotoAsync(web.ManyUrl + "/#/");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"of {web.Many.Count} runs");
        await page.ClickAsync("#saved-views a");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"of {sgd.Count} runs");
        Assert.Equal("metrics.val_accuracy > 0.5", await page.InputValueAsync("#filter"));
        await Assertions.Expect(page.Locator("#experiments a.active")).ToHaveAttributeAsync("data-experiment", "many-c");
        await page.ClickAsync("#saved-views .chip-x");
        await Assertions.Expect(page.Locator("#saved-views")).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_column_filter_narrows_the_rows_and_a_bad_query_gets_the_parsers_message_keeping_the_table()
    {
        var (page, errors) = await web.Open("#/?experiment=web");
        await WaitForRows(page, 3);

        var optimizer = page.Locator("#leaderboard thead th[data-field='optimizer'] input");
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
        Assert.DoesNotContain(errors, e => !e.Contains("400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_long_leaderboard_pages_on_the_server_and_sorts_and_filters_every_run()
    {
        var many = web.Many;
        var (page, errors) = await web.Open(url: web.ManyUrl);
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"1–50 of {many.Count} runs");
        await Assertions.Expect(FirstRun(page)).ToHaveTextAsync(many.MaxBy(r => r.Accuracy).Name);
        await page.ClickAsync("#pager button[data-page='last']");
        await Assertions.Expect(page.Locator($"{Rows} td[data-field='rank']", new() { HasTextString = $"{many.Count}" })).ToHaveCountAsync(1);

        await page.Locator("#leaderboard thead th[data-field='optimizer'] input").PressSequentiallyAsync("sgd");
        var sgd = many.Where(r => r.Optimizer == "sgd").ToList();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"of {sgd.Count} runs");
        Assert.Contains("params.optimizer ILIKE '%sgd%'", await page.InnerTextAsync("#status"));
        await page.Locator("#leaderboard thead th[data-field='val_accuracy'] input").PressSequentiallyAsync("> 0.9");
        var best = sgd.Where(r => r.Accuracy > 0.9).OrderByDescending(r => r.Accuracy).ToList();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"1–{best.Count} of {best.Count} runs");
        Assert.Equal(best.Select(r => r.Name), await Column(page, "run"));

        await page.Locator("#leaderboard thead th[data-field='val_accuracy'] input").FillAsync("high");
        await page.Locator("#leaderboard thead th[data-field='val_accuracy'] input").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#query-error")).ToContainTextAsync("val_accuracy filter takes a number");
        Assert.Equal(best.Count, await page.Locator(Rows).CountAsync());

        // An old link to a page past the end opens the last page.
        var (late, lateErrors) = await web.Open("#/?page=999", url: web.ManyUrl);
        var last = (many.Count + 49) / 50;
        await Assertions.Expect(late.Locator("#status")).ToContainTextAsync($"{(last - 1) * 50 + 1}–{many.Count} of {many.Count} runs");
        Assert.Contains($"page={last}", late.Url);
        Assert.Empty(errors.Concat(lateErrors));
    }

    [Fact]
    public async Task The_keyboard_moves_through_the_rows_selects_and_opens_a_run()
    {
        var (page, errors) = await web.Open("#/?experiment=web");
        await WaitForRows(page, 3);
        var second = (await Column(page, "run_id"))[1];
        await page.FocusAsync("#leaderboard");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("x");
        await Assertions.Expect(page.Locator("#chosen")).ToHaveTextAsync("1 selected");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("body[data-ready='runs']");
        Assert.StartsWith(second, await page.InnerTextAsync("#run-id"));
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
            var accuracy = page.Locator($"{Rows} td[data-field='val_accuracy']");
            await Assertions.Expect(accuracy).ToHaveTextAsync("0.25");
            await Assertions.Expect(page.Locator($"{Rows} td[data-field='status']")).ToHaveTextAsync("running");

            run.LogMetric("val_accuracy", 0.75, 2);
            run.Flush();
            await Assertions.Expect(accuracy).ToHaveTextAsync("0.75", new() { Timeout = 15_000 });
            run.End();
            await Assertions.Expect(page.Locator($"{Rows} td[data-field='status']")).ToHaveTextAsync("finished", new() { Timeout = 15_000 });
            Assert.Empty(errors);
        }
        finally
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_empty_store_says_how_to_get_runs()
    {
        var (page, errors) = await web.Open(url: web.EmptyUrl);
        await page.WaitForSelectorAsync("#empty");
        var text = await page.InnerTextAsync("#empty");
        Assert.Contains("podium demo", text);
        Assert.Contains("podium run SPEC", text);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_run_page_shows_charts_first_then_its_records_folded_in_sections()
    {
        var (page, errors) = await web.Open($"#/runs/{web.AdamRun}");
        await page.WaitForSelectorAsync("body[data-ready='runs']");
        await page.WaitForSelectorAsync("[data-metric='accuracy'] svg.plot");
        await page.WaitForSelectorAsync("text=Confusion matrix (validation)");
        var text = await page.InnerTextAsync("main");

        Assert.StartsWith("web-adam", await page.InnerTextAsync("#run-name"));
        var chartTop = (await page.Locator("[data-metric='accuracy']").BoundingBoxAsync())!.Y;
        var metricsTop = (await page.Locator("#metrics").BoundingBoxAsync())!.Y;
        Assert.True(chartTop < metricsTop, $"the curves ({chartTop} px) come before the metrics table ({metricsTop} px)");
        Assert.True(chartTop < 900, $"the first chart starts in the first screen, at {chartTop} px");
        Assert.Contains("optimizer\tadam", text);
        Assert.Contains("3: circle, square, triangle", text);
        Assert.Contains("horizontal_flip", text);

        // Folded sections open on a click: the network, with its summary and graph.
        await page.ClickAsync("#network > summary");
        await page.WaitForSelectorAsync("#model-graph svg");
        Assert.Contains("conv2d_2", await page.InnerTextAsync("#summary"));
        await page.ClickAsync("#artifacts > summary");
        Assert.Contains("evaluation.json", await page.InnerTextAsync("#artifacts"));

        // Epoch-logged curves are drawn against epochs; a constant learning rate on an axis that shows its value.
        var rate = page.Locator("[data-metric='learning_rate'] .linechart");
        await Assertions.Expect(rate).ToHaveAttributeAsync("data-x-title", "epoch");
        Assert.Equal("epoch", await rate.Locator(".x-title").TextContentAsync());
        var ticks = await rate.Locator(".ytick").AllTextContentsAsync();
        Assert.Equal(3, ticks.Count);
        Assert.Equal("0.001", ticks[1]); // the value itself, in the middle, not "0"

        // The gradient norms' 5 layers keep their legend outside the plot area.
        var norms = page.Locator("[data-metric='gradient norm (L2) per layer']");
        await norms.ScrollIntoViewIfNeededAsync();
        await norms.Locator("svg.plot").WaitForAsync();
        var plot = (await norms.Locator(".plot-area").First.BoundingBoxAsync())!;
        var legend = (await norms.Locator(".legend").First.BoundingBoxAsync())!;
        Assert.Equal(5, await norms.Locator(".legend div").CountAsync());
        Assert.True(legend.X >= plot.X + plot.Width, $"the legend (x {legend.X}) starts right of the plot (ending at {plot.X + plot.Width})");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_run_page_groups_metrics_by_prefix_in_natural_order_and_names_a_step_axis_step()
    {
        var (page, errors) = await web.Open($"#/runs/{web.MarkupRun}");
        await page.WaitForSelectorAsync("[data-metric='loss'] svg.plot");
        var custom = page.Locator("#metrics tbody.group[data-group='custom/']");
        await custom.Locator("tr.member").First.WaitForAsync();
        Assert.Equal(["layer_1", "layer_2", "layer_10"], await custom.Locator("tr.member th").AllInnerTextsAsync());
        await custom.Locator("button.fold").ClickAsync();
        await Assertions.Expect(custom.Locator("tr.member").First).ToBeHiddenAsync();
        var loss = page.Locator("[data-metric='loss'] .linechart");
        await Assertions.Expect(loss).ToHaveAttributeAsync("data-x-title", "step");

        // Log scale and smoothing redraw the curves: the log axis has powers of ten; smoothing adds a faint raw line.
        await page.CheckAsync("#log-scale");
        await Assertions.Expect(loss).ToHaveAttributeAsync("data-y-scale", "log");
        Assert.Contains("0.01", await loss.Locator(".ytick").AllTextContentsAsync());
        Assert.Equal(1, await loss.Locator("path.series").CountAsync());
        await page.EvalOnSelectorAsync("#smoothing", "e => { e.value = '0.6'; e.dispatchEvent(new Event('change')); }");
        await Assertions.Expect(loss.Locator("path.series")).ToHaveCountAsync(2);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_run_page_shows_the_models_most_confident_mistakes_as_images()
    {
        var (page, errors) = await web.Open($"#/runs/{web.AdamRun}");
        await page.WaitForSelectorAsync("#mistakes figure");
        var images = page.Locator("#mistakes img");
        Assert.InRange(await images.CountAsync(), 1, 16);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#mistakes img')].every(i => i.complete && i.naturalWidth === 16)");
        var caption = await page.Locator("#mistakes figcaption").First.InnerTextAsync();
        Assert.Matches(@"^(circle|square|triangle) → (circle|square|triangle)", caption);
        var parts = caption.Split(" → ");
        Assert.NotEqual(parts[0], parts[1].Split(' ')[0]);

        // An artifact previews in the page: the predictions CSV as a table.
        await page.ClickAsync("#artifacts > summary");
        await page.ClickAsync("a.artifact[data-path='predictions.csv']");
        await Assertions.Expect(page.Locator("#artifact-preview")).ToHaveAttributeAsync("data-kind", "table");
        Assert.True(await page.Locator("#artifact-preview tbody tr").CountAsync() > 0);
        await page.ClickAsync("a.artifact[data-path='charts/confusion_matrix.svg']");
        await Assertions.Expect(page.Locator("#artifact-preview")).ToHaveAttributeAsync("data-kind", "image");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Runs_selected_on_the_leaderboard_draw_their_curves_overlaid_and_grouped_with_a_band()
    {
        var (page, errors) = await web.Open("#/?experiment=sweeps");
        await WaitForRows(page, 7);
        var chosen = new List<string>();
        foreach (var row in (await page.Locator(Rows).AllAsync()).Take(7))
        {
            var id = await row.Locator("td[data-field='run_id']").InnerTextAsync();
            if (web.SweepTrials.Any(t => t.StartsWith(id, StringComparison.Ordinal)) && chosen.Count < 4)
            {
                await row.Locator("input[type=checkbox]").CheckAsync();
                chosen.Add(id);
            }
        }

        await page.ClickAsync("#chart-selected");
        await page.WaitForSelectorAsync("[data-metric='val_accuracy'] svg.plot");
        var names = await page.Locator("[data-metric='val_accuracy'] path.series[data-name]").EvaluateAllAsync<string[]>("paths => paths.map(p => p.dataset.name)");
        Assert.Equal(4, names.Length);
        Assert.All(chosen, id => Assert.Contains(names, n => n.EndsWith(id, StringComparison.Ordinal)));

        // Grouped by optimizer: a mean line per group, and a band where a group has more than one run.
        await page.SelectOptionAsync("#group-by", "params.optimizer");
        await Assertions.Expect(page.Locator("[data-metric='val_accuracy'] path.series[data-name*='mean of']").First).ToBeAttachedAsync();
        var means = await page.Locator("[data-metric='val_accuracy'] path.series[data-name*='mean of']").CountAsync();
        var bands = await page.Locator("[data-metric='val_accuracy'] path.band").CountAsync();
        Assert.InRange(bands, 1, means); // 4 runs in at most 2 groups: at least one group has two
        Assert.InRange(means, 1, 2);
        Assert.Contains("group=params.optimizer", Uri.UnescapeDataString(page.Url));

        // The groups ranked by mean val_accuracy, each as mean ± std of its runs' last values, checked here by hand.
        using var client = new HttpClient();
        var accuracies = new Dictionary<string, List<double>>();
        foreach (var id in chosen)
        {
            var run = JsonDocument.Parse(await client.GetStringAsync($"{web.Url}/api/runs/{id}")).RootElement;
            var optimizer = run.GetProperty("params").GetProperty("optimizer").GetProperty("text").GetString()!;
            accuracies.TryAdd(optimizer, []);
            accuracies[optimizer].Add(run.GetProperty("metrics").GetProperty("val_accuracy").GetProperty("last").GetDouble());
        }

        var best = accuracies.MaxBy(a => a.Value.Average());
        var first = page.Locator("#group-table tbody tr").First;
        Assert.Contains($"optimizer = {best.Key}", await first.Locator("td").Nth(1).InnerTextAsync());
        var mean = best.Value.Average();
        var std = Math.Sqrt(best.Value.Average(v => (v - mean) * (v - mean)));
        var shown = (await first.Locator("td").Nth(3).InnerTextAsync()).Split(" ± ").Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(mean, shown[0], 3);
        Assert.Equal(std, shown[1], 3);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_sweep_page_draws_a_log_axis_for_a_log_uniform_learning_rate_and_ranks_params_by_importance()
    {
        var (page, errors) = await web.Open($"#/sweeps/{web.SweepRun}");
        await page.WaitForSelectorAsync("#parallel .js-plotly-plot");
        var dimensions = await page.EvaluateAsync<JsonElement>("() => document.querySelector('#parallel .js-plotly-plot').data[0].dimensions.map(d => ({ label: d.label, ticktext: d.ticktext || [], values: d.values }))");
        var rate = dimensions.EnumerateArray().Single(d => d.GetProperty("label").GetString() == "learning_rate (log)");
        Assert.Equal(["1e-04", "0.001", "0.01"], rate.GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()));
        Assert.All(rate.GetProperty("values").EnumerateArray(), v => Assert.InRange(v.GetDouble(), -4, -2));
        var optimizer = dimensions.EnumerateArray().Single(d => d.GetProperty("label").GetString() == "optimizer");
        Assert.Equal(["adam", "sgd"], optimizer.GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()));
        // The axis as drawn: its tick labels are the powers of ten.
        var drawn = await page.Locator("#parallel .tick text").AllTextContentsAsync();
        Assert.Contains("1e-04", drawn);

        Assert.Equal(6, await page.Locator("#trials tbody tr").CountAsync());
        Assert.Equal(1, await page.Locator("#trials tr.best").CountAsync());
        Assert.Contains("Best trial", await page.InnerTextAsync("#best-trial"));
        var importance = await page.EvaluateAsync<double[]>("() => document.querySelector('#importance .js-plotly-plot').data[0].x");
        Assert.Equal(2, importance.Length);
        Assert.Equal(1.0, importance.Sum(), 6);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_halving_sweep_page_shows_its_rounds()
    {
        var (page, errors) = await web.Open($"#/sweeps/{web.HalvingRun}");
        await page.WaitForSelectorAsync("#trials");
        Assert.Contains("2 halving rounds of 1, 3 epochs, keeping the best 1/3", await page.InnerTextAsync(".sub"));
        var rounds = await page.Locator("#trials tbody td:nth-child(2)").AllInnerTextsAsync();
        Assert.Equal(["2 (3 ep.)", "2 (3 ep.)", "1 (1 ep.)", "1 (1 ep.)", "1 (1 ep.)", "1 (1 ep.)", "1 (1 ep.)", "1 (1 ep.)"], rounds);
        Assert.Equal(1, await page.Locator("#trials tr.best").CountAsync());
        Assert.Equal("2 (3 ep.)", await page.Locator("#trials tr.best td:nth-child(2)").InnerTextAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Compare_with_fifty_runs_keeps_its_labels_readable_shows_differences_only_and_deltas_from_a_baseline()
    {
        using var client = new HttpClient();
        var runs = JsonDocument.Parse(await client.GetStringAsync(web.ManyUrl + "/api/runs?limit=50")).RootElement.GetProperty("runs");
        var ids = runs.EnumerateArray().Select(r => r.GetProperty("info").GetProperty("id").GetString()!).ToList();
        Assert.Equal(50, ids.Count);
        var (page, errors) = await web.Open($"#/compare?runs={string.Join(",", ids)}", url: web.ManyUrl);
        await page.WaitForSelectorAsync("#compare-table");

        var label = page.Locator("#compare-table tbody th.label", new() { HasTextString = "params.optimizer" });
        var box = (await label.BoundingBoxAsync())!;
        Assert.True(box.Width >= 200, $"the label column is {box.Width} px wide");
        Assert.True(box.Height <= 30, $"the label is on one line ({box.Height} px high)");

        // Differences only, by default: the same experiment's… every row differs here but status.
        Assert.Equal(0, await page.Locator("#compare-table tbody th.label", new() { HasTextString = "status" }).CountAsync());
        await page.CheckAsync("#show-all");
        await Assertions.Expect(page.Locator("#compare-table tbody th.label", new() { HasTextString = "status" })).ToHaveCountAsync(1);

        // Scrolled to the last run, the labels stay where they were.
        await page.EvalOnSelectorAsync("#compare-holder", "e => { e.scrollLeft = e.scrollWidth; }");
        var scrolled = (await label.BoundingBoxAsync())!;
        Assert.Equal(box.X, scrolled.X, 1);
        Assert.True(await page.EvalOnSelectorAsync<int>("#compare-holder", "e => e.scrollLeft") > 1000);

        // Each run's id under its name; deltas against the chosen baseline.
        Assert.Equal(ids.Select(i => i[..8]), await page.Locator("#compare-table thead .id").AllInnerTextsAsync());
        await page.SelectOptionAsync("#baseline", ids[3]);
        var accuracy = page.Locator("#compare-table tbody tr", new() { HasTextString = "metrics.val_accuracy" });
        var cells = await accuracy.Locator("td").AllAsync();
        Assert.Equal(0, await cells[3].Locator(".delta").CountAsync());
        var base3 = runs[3].GetProperty("metrics").GetProperty("val_accuracy").GetProperty("last").GetDouble();
        var value0 = runs[0].GetProperty("metrics").GetProperty("val_accuracy").GetProperty("last").GetDouble();
        var delta = double.Parse(await cells[0].Locator(".delta").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.Equal(value0 - base3, delta, 3);
        Assert.Contains($"baseline={ids[3]}", page.Url);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_dataset_page_lists_the_runs_that_used_it_and_shows_sample_images_per_class()
    {
        using var client = new HttpClient();
        var run = JsonDocument.Parse(await client.GetStringAsync($"{web.Url}/api/runs/{web.AdamRun}")).RootElement;
        var fingerprint = run.GetProperty("datasets")[0].GetProperty("dataset").GetProperty("fingerprint").GetString()!;
        var (page, errors) = await web.Open("#/datasets");
        await page.ClickAsync($"#datasets a[href='#/datasets/{fingerprint}']");
        await page.WaitForSelectorAsync("#dataset-runs");
        var runs = await page.Locator("#dataset-runs tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Contains("web-adam", runs);
        await page.WaitForSelectorAsync("#samples .class-row img");
        Assert.Equal(["circle", "square", "triangle"], await page.Locator("#samples .class-name").AllInnerTextsAsync());
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#samples img')].every(i => i.complete && i.naturalWidth > 0)");
        Assert.Equal(12, await page.Locator("#samples img").CountAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Markup_in_a_run_name_param_tag_or_description_shows_as_text_and_never_runs()
    {
        var (page, errors) = await web.Open("#/?experiment=web");
        await WaitForRows(page, 3);
        Assert.Contains(WebFixture.ScriptName, await Column(page, "run"));

        var (runPage, runErrors) = await web.Open($"#/runs/{web.MarkupRun}");
        await runPage.WaitForSelectorAsync("body[data-ready='runs']");
        await runPage.WaitForSelectorAsync("[data-metric='loss'] svg.plot");
        await runPage.ClickAsync("#all-tags > summary");
        var text = await runPage.InnerTextAsync("main");

        Assert.Contains(WebFixture.ScriptName, await runPage.InnerTextAsync("#run-name"));
        Assert.Contains(WebFixture.ImageParam, text);
        Assert.Contains(WebFixture.ImageTag, text);
        foreach (var p in new[] { page, runPage })
        {
            Assert.Equal("undefined", await p.EvaluateAsync<string>("typeof window.__pwned"));
            Assert.Equal(0, await p.Locator("main img, main script").CountAsync());
        }

        Assert.Matches(Drawn(), await runPage.InnerTextAsync("[data-metric='loss']"));
        Assert.Empty(errors.Concat(runErrors));
    }

    [GeneratedRegex(@"[\d,]+ of 100,000 points drawn")]
    private static partial Regex Drawn();
}
