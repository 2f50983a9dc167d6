using System.Globalization;
using Podium.Tracking;

// Modes:
//   concurrent STORE WORKER RUNS POINTS   log POINTS points to each of RUNS runs, flushing often
//   until-killed STORE FLUSH_EVERY        log points forever, printing "flushed N" after each flush
var mode = args[0];
var store = args[1];
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
