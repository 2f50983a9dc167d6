using System.Diagnostics;
using System.Globalization;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;

// Podium's tracking benchmarks. Timings live here, never in tests.
//   dotnet run -c Release --project bench/Podium.Bench -- ingest [--store DIR|postgresql://…]
//   dotnet run -c Release --project bench/Podium.Bench -- queue --store DIR|postgresql://… [--trials 1000]   (a sweep queue's cost per trial)
//   dotnet run -c Release --project bench/Podium.Bench -- gemm [--json FILE]
//   dotnet run -c Release --project bench/Podium.Bench -- augment
//   dotnet run -c Release --project bench/Podium.Bench -- zca
//   dotnet run -c Release --project bench/Podium.Bench -- folder [--store DIR]
//   dotnet run -c Release --project bench/Podium.Bench -- query    (parse and compile queries of 1,000 to 10,000 conditions)
//   dotnet run -c Release --project bench/Podium.Bench -- decode   (100x100 JPEGs on one thread: Podium beside PIL)
//   dotnet run -c Release --project bench/Podium.Bench -- conv     (basic_cnn's convolutions alone: forward, kernel and input gradients)
//   dotnet run -c Release --project bench/Podium.Bench -- profile [--rgb]   (per-layer forward and backward times of basic_cnn)
//   dotnet run -c Release --project bench/Podium.Bench -- train [--seconds 20] [--parts train32,infer256,rgb32]
//   dotnet run -c Release --project bench/Podium.Bench -- leaderboard [--runs 100000] [--store DIR|postgresql://…]
//   dotnet run -c Release --project bench/Podium.Bench -- web [--store DIR]   (podium serve: HTTP ingestion, pages in headless Chromium)
//   dotnet run -c Release --project bench/Podium.Bench -- web-ingest          (only the ingestion: raw batches and the library's remote store)
var mode = args.Length > 0 ? args[0] : "all";
var runs = Option("--runs", 100_000);
var storeArgument = OptionText("--store");

if (mode is "ingest" or "all")
{
    Ingest.Run(storeArgument);
}

if (mode is "queue")
{
    QueueBench.Run(storeArgument ?? throw new ArgumentException("queue needs --store"), Option("--trials", 1000));
}

if (mode is "gemm" or "all")
{
    GemmBench.Run(mode is "gemm" ? OptionText("--json") : null);
}

if (mode is "folder")
{
    FolderBench.Run(storeArgument);
}

if (mode is "query")
{
    QueryBench.Run();
}

if (mode is "decode")
{
    DecodeBench.Run();
}

if (mode is "augment")
{
    AugmentBench.Run();
}

if (mode is "zca")
{
    ZcaBench.Run();
}

if (mode is "decay")
{
    DecayBench.Run();
}

if (mode is "conv")
{
    ConvBench.Run();
}

if (mode is "profile")
{
    LayerProfile.Run(args.Contains("--rgb"));
}

if (mode is "train")
{
    var seconds = OptionText("--seconds") is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : 20;
    TrainBench.Print(TrainBench.Run(seconds, OptionText("--parts") ?? "train32,infer256,rgb32"), OptionText("--json") ?? "podium_basic_cnn.json");
}

if (mode is "web" or "web-ingest")
{
    await WebBench.Run(storeArgument, pages: mode is "web");
}

if (mode is "leaderboard" or "all")
{
    LeaderboardBench.Run(runs, storeArgument);
}

return 0;

int Option(string name, int fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

string? OptionText(string name) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

/// <summary>Metric points per second through the public API (Run.LogMetric, batched flushes) into a fresh SQLite store, or into the PostgreSQL database given.</summary>
internal static class Ingest
{
    public static void Run(string? database)
    {
        const int Runs = 4, Keys = 10, StepsPerKey = 100_000;
        const long Points = (long)Runs * Keys * StepsPerKey;
        var rates = new List<double>();
        for (var repeat = 0; repeat < 5; repeat++)
        {
            var folder = Path.Combine(Path.GetTempPath(), "podium-bench-ingest-" + Guid.NewGuid().ToString("N"));
            try
            {
                using var tracker = Tracker.Open(database ?? folder, new TrackerOptions { CaptureSource = false });
                var keys = Enumerable.Range(0, Keys).Select(k => "metric_" + k).ToArray();
                var clock = Stopwatch.StartNew();
                for (var r = 0; r < Runs; r++)
                {
                    using var run = tracker.StartRun("ingest");
                    for (var step = 0; step < StepsPerKey; step++)
                    {
                        for (var k = 0; k < Keys; k++)
                        {
                            run.LogMetric(keys[k], step * 0.001 + k, step);
                        }
                    }

                    run.End();
                }

                clock.Stop();
                rates.Add(Points / clock.Elapsed.TotalSeconds);
                if (repeat == 0)
                {
                    var check = tracker.Store.SearchRuns(Podium.Tracking.Query.RunQuery.All with { Limit = Runs });
                    var stored = check.Sum(run => run.Metrics.Values.Sum(m => m.Count));
                    if (stored != Points)
                    {
                        throw new InvalidOperationException($"stored {stored} points, logged {Points}");
                    }
                }
            }
            finally
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }

        rates.Sort();
        Console.WriteLine($"ingest: {Points:N0} points ({Runs} runs x {Keys} metrics x {StepsPerKey:N0} steps) via Run.LogMetric into {(database is null ? "SQLite" : "PostgreSQL")}");
        Console.WriteLine($"ingest: median {rates[rates.Count / 2]:N0} points/s (min {rates[0]:N0}, max {rates[^1]:N0}, 5 repeats)");
    }
}

/// <summary>A filter + ORDER BY + top-50 leaderboard over a store of many runs x 30 params x 10 metrics.</summary>
internal static class LeaderboardBench
{
    private const string Filter = "metrics.val_accuracy > 0.8 AND params.optimizer = 'adam'";
    private const string Order = "metrics.val_accuracy DESC";
    private static readonly string[] Optimizers = ["adam", "sgd", "adagrad", "rmsprop"];

    public static void Run(int runs, string? store)
    {
        store ??= Path.Combine(Path.GetTempPath(), $"podium-bench-board-{runs}");
        using (var tracker = Tracker.Open(store, new TrackerOptions { CaptureSource = false }))
        {
            var have = tracker.Store.CountRuns(Podium.Tracking.Query.RunQuery.All);
            if (have != runs)
            {
                if (have != 0)
                {
                    throw new InvalidOperationException($"{store} holds {have} runs, not {runs}; give another --store");
                }

                Generate(tracker, runs);
            }
        }

        using var board = Tracker.Open(store, new TrackerOptions { CaptureSource = false });
        var times = new List<double>();
        LeaderboardTable? table = null;
        for (var i = 0; i < 31; i++)
        {
            var clock = Stopwatch.StartNew();
            table = board.Leaderboard(Filter, Order, limit: 50);
            clock.Stop();
            if (i > 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        var counts = new List<double>();
        for (var i = 0; i < 11; i++)
        {
            var fresh = board.Leaderboard(Filter, Order, limit: 50);
            var clock = Stopwatch.StartNew();
            _ = fresh.Matching;
            clock.Stop();
            if (i > 0)
            {
                counts.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        counts.Sort();
        Console.WriteLine($"leaderboard: {runs:N0} runs x 30 params x 10 metrics; \"{Filter}\" ORDER BY {Order} LIMIT 50 ({table!.Matching:N0} match)");
        Console.WriteLine($"leaderboard: top 50 with every default column: median {times[times.Count / 2]:F1} ms, p90 {times[(int)(times.Count * 0.9)]:F1} ms, min {times[0]:F1} ms (30 repeats after 1 warm-up)");
        Console.WriteLine($"leaderboard: counting all matches (the \"of N\" total, done on demand): median {counts[counts.Count / 2]:F1} ms (10 repeats)");
    }

    public static void Generate(Tracker tracker, int runs)
    {
        var clock = Stopwatch.StartNew();
        var made = 0;
        // Runs in parallel, each with its own seeded randomness: PostgreSQL takes writes on several connections at once.
        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, r =>
        {
            var random = new Random(r);
            var batch = new RunBatch();
            var info = tracker.Store.CreateRun(new NewRun("bench", $"run-{r}", r, null, new RunSource(null, null, "bench"), RunEnvironment.Capture(), DateTimeOffset.UtcNow));
            batch.Params.Add(new("optimizer", Optimizers[random.Next(Optimizers.Length)]));
            batch.Params.Add(new("batch_size", (double)(8 << random.Next(5))));
            batch.Params.Add(new("model", random.Next(2) == 0 ? "basic_cnn" : "vgg16"));
            for (var p = 3; p < 30; p++)
            {
                batch.Params.Add(new("param_" + p, random.NextDouble()));
            }

            var now = DateTimeOffset.UtcNow;
            batch.Metrics.Add(new("val_accuracy", new MetricPoint(0, random.NextDouble(), now)));
            for (var m = 1; m < 10; m++)
            {
                batch.Metrics.Add(new("metric_" + m, new MetricPoint(0, random.NextDouble(), now)));
            }

            tracker.Store.LogBatch(info.Id, batch);
            tracker.Store.EndRun(info.Id, RunStatus.Finished, now);
            if (Interlocked.Increment(ref made) % 10_000 == 0)
            {
                Console.WriteLine($"  generated {made:N0} runs in {clock.Elapsed.TotalSeconds:F0} s");
            }
        });
    }
}
