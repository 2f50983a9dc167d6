using System.Globalization;
using Podium.Tracking;

// Modes:
//   concurrent STORE WORKER RUNS POINTS   log POINTS points to each of RUNS runs, flushing often
//   until-killed STORE FLUSH_EVERY        log points forever, printing "flushed N" after each flush
//   open STORE                            open the store; print "opened LOCATION" or the one-line error
//   write STORE WORKER                    3 runs × 2,000 points of metrics a, b, c (in an order of its own), flushes of 50
var mode = args[0];
var store = args[1];
if (mode == "open")
{
    try
    {
        using var opened = TrackingStores.Open(store);
        Console.WriteLine("opened " + opened.Location);
        return 0;
    }
    catch (StoreException e)
    {
        Console.WriteLine(e.Message);
        return 1;
    }
}

if (mode == "write")
{
    var worker = int.Parse(args[2], CultureInfo.InvariantCulture);
    string[][] orders = [["a", "b", "c"], ["c", "b", "a"], ["b", "c", "a"], ["a", "c", "b"]];
    using var writer = Tracker.Open(store, new TrackerOptions { CaptureSource = false, FlushPoints = 150, FlushInterval = TimeSpan.FromDays(1) });
    for (var r = 0; r < 3; r++)
    {
        using var run = writer.StartRun("writers", $"w{worker}-{r}");
        for (var i = 0; i < 2000; i++)
        {
            foreach (var key in orders[worker % orders.Length])
            {
                run.LogMetric(key, i, step: i);
            }
        }

        run.End(RunStatus.Finished);
    }

    return 0;
}

// until-killed flushes only when told, so the points it reports flushed are exactly those written.
var options = mode == "until-killed"
    ? new TrackerOptions { CaptureSource = false, FlushPoints = int.MaxValue, FlushInterval = TimeSpan.FromDays(1) }
    : new TrackerOptions { CaptureSource = false, FlushPoints = 1000 };
using var tracker = Tracker.Open(store, options);
if (mode == "concurrent")
{
    var worker = args[2];
    var runs = int.Parse(args[3], CultureInfo.InvariantCulture);
    var points = int.Parse(args[4], CultureInfo.InvariantCulture);
    for (var r = 0; r < runs; r++)
    {
        using var run = tracker.StartRun("concurrency", $"{worker}-{r}");
        run.LogParams(new Dictionary<string, object> { ["worker"] = worker, ["index"] = r });
        for (var i = 0; i < points; i++)
        {
            run.LogMetric("loss", i, step: i);
            if (i % 997 == 0)
            {
                run.SetTag("progress", i.ToString(CultureInfo.InvariantCulture));
            }
        }

        run.End(RunStatus.Finished);
    }

    Console.WriteLine("done");
    return 0;
}

if (mode == "until-killed")
{
    var every = int.Parse(args[2], CultureInfo.InvariantCulture);
    using var run = tracker.StartRun("killed", "victim");
    run.LogParam("every", every);
    var deadline = DateTime.UtcNow.AddMinutes(2);
    for (long i = 0; DateTime.UtcNow < deadline; i++)
    {
        run.LogMetric("value", i, step: i);
        if ((i + 1) % every == 0)
        {
            run.Flush();
            Console.WriteLine($"flushed {i + 1}");
            Console.Out.Flush();
        }
    }

    return 1;
}

Console.Error.WriteLine("unknown mode " + mode);
return 2;
