using System.Diagnostics;
using System.Globalization;
using Podium.Experiments.Specs;
using Podium.Tracking;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Experiments.Sweeps;

/// <summary>How a worker runs.</summary>
public sealed record WorkerOptions
{
    /// <summary>Who the worker is in the queue and in <c>podium sweep status</c>: host and process id by default.</summary>
    public string Name { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>One sweep's run id, or null for the trials of every sweep.</summary>
    public string? Sweep { get; init; }

    /// <summary>Threads for training (null: every core).</summary>
    public int? Threads { get; init; }

    /// <summary>Stop after this many trials (a Slurm array task runs one); null: until none is left.</summary>
    public int? MaxTrials { get; init; }

    /// <summary>How long a lease lasts unless renewed; the worker renews it four times per length.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often to look again while no trial is pending but some still run (a round may follow, a lease may run out).</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where the worker says what it does, a line per trial.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>Stops the worker: its trial is given back to the queue at once.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>What a worker did.</summary>
/// <param name="Done">Trials it finished.</param>
/// <param name="Failed">Trials whose training failed.</param>
/// <param name="Lost">Trials whose lease it lost (another worker took them over); it recorded nothing more for them.</param>
public sealed record WorkerOutcome(int Done, int Failed, int Lost);

/// <summary>
/// A worker: on any machine that reaches the store, it claims the next pending trial, trains it here while renewing its
/// lease, records the run, and marks the trial done; then the next, until none is left. Killed at any point, its trial
/// goes back to the queue when the lease runs out; stopped (Ctrl+C, SIGTERM), it gives the trial back at once.
/// </summary>
public static class SweepWorker
{
    /// <summary>Works until no trial is left (or <see cref="WorkerOptions.MaxTrials"/>); throws <see cref="OperationCanceledException"/> when stopped.</summary>
    public static WorkerOutcome Run(ITrackingStore store, WorkerOptions options)
    {
        var (done, failed, lost, claimed) = (0, 0, 0, 0);
        while (options.MaxTrials is not { } most || claimed < most)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var claim = store.ClaimTrial(options.Name, options.Sweep, options.Lease);
            if (claim is null)
            {
                if (!Busy(store, options.Sweep))
                {
                    break;
                }

                options.Cancellation.WaitHandle.WaitOne(options.Poll);
                continue;
            }

            claimed++;
            switch (RunTrial(store, claim, options))
            {
                case TrialStatus.Done:
                    done++;
                    break;
                case TrialStatus.Failed:
                    failed++;
                    break;
                default:
                    lost++;
                    break;
            }

            Sweep.Advance(store, claim.SweepRunId);
        }

        return new WorkerOutcome(done, failed, lost);
    }

    /// <summary>
    /// Whether a sweep (or any running sweep) still has trials pending or running: more may come to claim. A round that
    /// is complete is advanced first: the worker that completed its last trial may not have enqueued the next round yet,
    /// and a worker that left in that moment would leave the round to others.
    /// </summary>
    private static bool Busy(ITrackingStore store, string? sweep)
    {
        var sweeps = sweep is not null ? [sweep]
            : store.SearchRuns(new RunQuery(RunQuery.And(new IsNullExpr(Field.Tag(RunTags.SweepPlan), Negated: true), Field.Attribute("status").Is(RunStatus.Running)), [], null))
                .Select(r => r.Info.Id).ToList();
        return sweeps.Any(s =>
        {
            Sweep.Advance(store, s);
            return store.ListTrials(s).Any(t => t.Status is TrialStatus.Pending or TrialStatus.Running);
        });
    }

    /// <summary>Trains one claimed trial; returns done, failed, or running when the lease was lost (another worker has it).</summary>
    private static TrialStatus RunTrial(ITrackingStore store, TrialClaim claim, WorkerOptions options)
    {
        var clock = Stopwatch.StartNew();
        var title = $"trial {claim.Index + 1}: {claim.Name}";
        var parent = store.GetRun(claim.SweepRunId) ?? throw new InvalidOperationException($"trial {claim.Id}'s sweep run {claim.SweepRunId} is gone");
        var plan = SweepPlan.Of(parent);
        options.Log.WriteLine($"{title} started" + (claim.Attempt > 1 ? $" (attempt {claim.Attempt} of {plan.MaxAttempts})" : ""));
        var leased = new LeasedStore(store, claim);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
        var renewed = Stopwatch.StartNew();
        using var heartbeat = new Timer(_ =>
        {
            try
            {
                if (!store.RenewLease(claim.Id, claim.Token, options.Lease))
                {
                    leased.Cut();
                    stop.Cancel();
                }
                else
                {
                    renewed.Restart();
                }
            }
            catch (Exception) when (renewed.Elapsed >= options.Lease)
            {
                // Cut off from the store for a whole lease: another worker may have the trial by now.
                leased.Cut();
                stop.Cancel();
            }
            catch (Exception)
            {
                // The store did not answer this time; the lease still has time to run.
            }
        }, null, options.Lease / 4, options.Lease / 4);

        PreparedRun prepared;
        try
        {
            prepared = PreparedRun.Of(RunFile.Parse(claim.Spec));
        }
        catch (SpecException e)
        {
            store.CompleteTrial(claim.Id, claim.Token, RunStatus.Failed, e.Message);
            options.Log.WriteLine($"{title} failed: {e.Message}");
            return TrialStatus.Failed;
        }

        var tags = new Dictionary<string, string>
        {
            [RunTags.SweepKey] = plan.Key,
            [RunTags.SweepTrial] = claim.Index.ToString(CultureInfo.InvariantCulture),
            [RunTags.SweepRound] = claim.Round.ToString(CultureInfo.InvariantCulture),
        };
        var training = new TrainingOptions { Threads = options.Threads, Cancellation = stop.Token };
        training.ApplyThreads();
        using var tracker = Tracker.Over(leased, new TrackerOptions());
        using var board = Leaderboard.Over(tracker);
        try
        {
            using var run = board.StartRun(prepared, claim.SweepRunId, tags);
            run.Build();
            run.Fit(training).Evaluate();
            run.Outputs();
            if (leased.Lost)
            {
                options.Log.WriteLine($"{title}: its lease was lost before it could be marked done; another worker runs it, and this run is in the trash");
                return TrialStatus.Running;
            }

            options.Log.WriteLine($"{title} finished in {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            return TrialStatus.Done;
        }
        catch (OperationCanceledException) when (leased.Lost && !options.Cancellation.IsCancellationRequested)
        {
            options.Log.WriteLine($"{title}: another worker took it over (this worker's lease ran out); nothing more is recorded here");
            return TrialStatus.Running;
        }
        catch (OperationCanceledException)
        {
            options.Log.WriteLine($"{title} stopped; given back to the queue");
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            options.Log.WriteLine($"{title} failed: {e.Message}");
            return TrialStatus.Failed;
        }
    }
}
