using System.Diagnostics;
using System.Globalization;
using Podium.Tracking;

/// <summary>
/// A sweep queue's own cost per trial, training excluded: enqueue (all trials in one call), then for each trial claim,
/// attach its run, renew the lease once (a heartbeat) and complete. Printed for the whole sweep and for its first and
/// last tenth, to show whether the cost grows with the sweep. bench/sweep-vs-optuna.sh runs Optuna beside it.
/// </summary>
internal static class QueueBench
{
    public static void Run(string store, int trials)
    {
        using var tracker = Tracker.Open(store, new TrackerOptions { CaptureSource = false });
        var sweep = tracker.StartRun("queue-bench", $"sweep-{trials}");
        var queued = Enumerable.Range(0, trials).Select(i => new QueuedTrial(0, i, $"t{i}", $"{{\"learning_rate\":{(0.0001 * (i + 1)).ToString(CultureInfo.InvariantCulture)}}}")).ToList();
        var total = Stopwatch.StartNew();
        tracker.Store.EnqueueTrials(sweep.Id, queued, maxAttempts: 3);
        var enqueue = total.Elapsed;
        var tenth = Math.Max(1, trials / 10);
        var (first, last) = (TimeSpan.Zero, TimeSpan.Zero);
        var lease = TimeSpan.FromMinutes(5);
        for (var i = 0; i < trials; i++)
        {
            var clock = Stopwatch.StartNew();
            var claim = tracker.Store.ClaimTrial("bench", sweep.Id, lease) ?? throw new InvalidOperationException($"trial {i} was not claimed");
            Check(tracker.Store.AttachRun(claim.Id, claim.Token, sweep.Id), "attach");
            Check(tracker.Store.RenewLease(claim.Id, claim.Token, lease), "renew");
            Check(tracker.Store.CompleteTrial(claim.Id, claim.Token, RunStatus.Finished, null), "complete");
            clock.Stop();
            if (i < tenth)
            {
                first += clock.Elapsed;
            }

            if (i >= trials - tenth)
            {
                last += clock.Elapsed;
            }
        }

        total.Stop();
        sweep.Detach();
        var perTrial = total.Elapsed.TotalMilliseconds / trials;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"podium {trials} trials: {perTrial:F3} ms per trial (enqueue {enqueue.TotalMilliseconds / trials:F3} + claim/attach/renew/complete); first tenth {first.TotalMilliseconds / tenth:F3} ms, last tenth {last.TotalMilliseconds / tenth:F3} ms"));
    }

    private static void Check(bool held, string step)
    {
        if (!held)
        {
            throw new InvalidOperationException($"the lease was lost at {step}");
        }
    }
}
