using System.Diagnostics;
using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>
/// A sweep spread over worker processes that share nothing but the store, one of them killed with SIGKILL in the middle
/// of a trial: every trial is recorded exactly once, the killed one by another worker, and every trial's metrics and
/// weights are bit-identical to the same sweep run by one worker. Each store kind derives a class from this.
/// </summary>
public abstract class SweepAcrossWorkersTests : IDisposable
{
    // Six candidates, halving by 3: six trials of 1 epoch, then the best two for 3 epochs.
    private const string Sweep = """
        name: spread
        data: {source: shapes, count: 240, size: 16, classes: 3}
        model: basic_cnn
        model_width: 0.25
        padding: same
        epochs: 3
        method: halving
        halving: {factor: 3, min_epochs: 1}
        retries: 2
        parameters:
          learning_rate: [0.002, 0.005, 0.01]
          batch_size: [8, 16]
        """;

    private readonly List<string> _stores = [];
    private readonly List<PodiumProcess.Background> _workers = [];

    protected TempFolder Folder { get; } = new();

    /// <summary>A new, empty store of this kind, as --store names it.</summary>
    protected abstract string NewStore();

    /// <summary>Drops what <see cref="NewStore"/> made outside the folder.</summary>
    protected virtual void DropStore(string store)
    {
    }

    public void Dispose()
    {
        _workers.ForEach(w => w.Dispose());
        _stores.ForEach(DropStore);
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }

    private string Store()
    {
        var store = NewStore();
        _stores.Add(store);
        return store;
    }

    [Fact]
    public void Three_workers_one_killed_mid_trial_record_every_trial_once_and_the_same_as_one_worker()
    {
        File.WriteAllText(Folder.File("spread.yaml"), Sweep);
        var shared = Store();
        var enqueued = PodiumProcess.Run(Folder.Path, "sweep", "spread.yaml", "--workers", "0", "--store", shared);
        Assert.True(enqueued.ExitCode == 0, enqueued.Out + enqueued.Err);
        Assert.Contains("6 trial(s) waiting", enqueued.Out, StringComparison.Ordinal);

        // Three workers, each in an empty folder of its own: the store is all they share.
        var workers = Enumerable.Range(0, 3).Select(i =>
        {
            var home = Directory.CreateDirectory(Folder.File($"worker-{i}")).FullName;
            return PodiumProcess.StartInBackground(home, "worker", "--store", shared, "--lease", "3", "--threads", "1");
        }).ToList();
        _workers.AddRange(workers);
        string victimName;
        TrialState victimTrial;
        using (var store = TrackingStores.Open(shared))
        {
            var parent = Parent(store);
            (victimTrial, victimName) = KillMidTrial(store, parent, workers);
        }

        foreach (var worker in workers.Where(w => w.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) != victimName.Split(':')[^1]))
        {
            Assert.True(worker.Process.WaitForExit(TimeSpan.FromMinutes(4)), "a worker did not finish: " + worker.Output);
            Assert.True(worker.Process.ExitCode == 0, worker.Output);
        }

        using (var store = TrackingStores.Open(shared))
        {
            var parent = Parent(store);
            var trials = store.ListTrials(parent.Info.Id);
            Assert.Equal(8, trials.Count);
            Assert.True(trials.All(t => t.Status == TrialStatus.Done), string.Join("\n", trials.Select(t => $"{t.Round}/{t.Index} {t.Status} {t.Attempts} {t.Worker} {t.Errors}"))
                + "\n" + string.Join("\n---\n", workers.Select(w => w.Output)));

            // The killed trial ran again on another worker; its first run is in the trash, failed, saying why.
            var retried = Assert.Single(trials, t => t.Round == victimTrial.Round && t.Index == victimTrial.Index);
            Assert.Equal(2, retried.Attempts);
            Assert.NotEqual(victimName, retried.Worker);
            Assert.Contains($"attempt 1 on {victimName}: its lease ran out", retried.Errors, StringComparison.Ordinal);
            var abandoned = Assert.Single(store.SearchRuns(RunQuery.All with { Trash = true }));
            Assert.Equal(RunStatus.Failed, abandoned.Info.Status);
            Assert.Equal(victimTrial.RunId, abandoned.Info.Id);

            // Every trial has exactly one run in use, finished; the sweep's run is finished with its best trial tagged.
            var runs = store.SearchRuns(new RunQuery(Field.Attribute("parent_run_id").Is(parent.Info.Id), [], null));
            Assert.Equal(8, runs.Count);
            Assert.All(runs, r => Assert.Equal(RunStatus.Finished, r.Info.Status));
            Assert.Equal(8, runs.Select(r => (r.Tags[RunTags.SweepRound], r.Tags[RunTags.SweepTrial])).Distinct().Count());
            Assert.Equal(trials.Select(t => t.RunId).Order(), runs.Select(r => r.Info.Id).Order());
            Assert.Equal(RunStatus.Finished, parent.Info.Status);
            Assert.Single(runs, r => r.Tags.GetValueOrDefault(RunTags.SweepBest) == "true");
        }

        // The same sweep on one worker, in a store of its own: the same numbers and weights, bit for bit.
        var alone = Store();
        var single = PodiumProcess.Run(Folder.Path, "sweep", "spread.yaml", "--workers", "1", "--store", alone);
        Assert.True(single.ExitCode == 0, single.Out + single.Err);
        using var spread = TrackingStores.Open(shared);
        using var one = TrackingStores.Open(alone);
        Assert.Equal(Fingerprints(one), Fingerprints(spread));
    }

    private static RunRecord Parent(ITrackingStore store) =>
        Assert.Single(store.SearchRuns(new RunQuery(new IsNullExpr(Field.Tag(RunTags.Sweep), Negated: true), [], null)));

    /// <summary>Waits for a second-round trial (3 epochs) whose run has finished an epoch, and SIGKILLs its worker.</summary>
    private static (TrialState Trial, string Worker) KillMidTrial(ITrackingStore store, RunRecord parent, List<PodiumProcess.Background> workers)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            foreach (var trial in store.ListTrials(parent.Info.Id).Where(t => t is { Status: TrialStatus.Running, Round: 1, RunId: not null }))
            {
                if (store.GetRun(trial.RunId!)?.Metrics.GetValueOrDefault(RunMetrics.Loss) is not { Count: >= 1 })
                {
                    continue;
                }

                var pid = int.Parse(trial.Worker!.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
                var victim = workers.Single(w => w.Process.Id == pid);
                victim.Process.Kill(); // SIGKILL: no handler runs, nothing is given back.
                victim.Process.WaitForExit();
                return (trial, trial.Worker);
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException("no second-round trial got under way in 3 minutes: " + string.Join("\n", workers.Select(w => w.Output)));
    }

    /// <summary>Each trial's numbers and weights: (round, trial) → every metric series but timings, and the weights' SHA-256.</summary>
    private static List<string> Fingerprints(ITrackingStore store)
    {
        var parent = Parent(store);
        return store.SearchRuns(new RunQuery(Field.Attribute("parent_run_id").Is(parent.Info.Id), [], null))
            .Select(run =>
            {
                var series = run.Metrics.Keys.Where(k => !RunMetrics.Timings.Contains(k)).Order(StringComparer.Ordinal)
                    .Select(k => k + "=" + string.Join(',', store.GetMetricHistory(run.Info.Id, k).Select(p => $"{p.Step}:{BitConverter.DoubleToInt64Bits(p.Value):x}")));
                var weights = store.ListArtifacts(run.Info.Id).Where(a => a.Path.StartsWith("weights/", StringComparison.Ordinal)).Select(a => $"{a.Path}:{a.Sha256}");
                return $"round {run.Tags[RunTags.SweepRound]} trial {run.Tags[RunTags.SweepTrial]} {run.Info.Name}: {string.Join(' ', weights)} {string.Join(' ', series)}";
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}

/// <summary>Processes on one machine sharing a SQLite store.</summary>
public sealed class SqliteSweepAcrossWorkersTests : SweepAcrossWorkersTests
{
    private int _count;

    protected override string NewStore() => Folder.File($"store-{_count++}");

    [Fact]
    public void Ctrl_C_on_a_worker_gives_its_trial_back_at_once()
    {
        File.WriteAllText(Folder.File("long.yaml"), """
            name: long
            data: {source: shapes, count: 240, size: 16, classes: 3}
            model: basic_cnn
            model_width: 0.25
            padding: same
            epochs: 200
            method: grid
            parameters:
              learning_rate: [0.002, 0.005]
            """);
        var store = NewStore();
        Assert.Equal(0, PodiumProcess.Run(Folder.Path, "sweep", "long.yaml", "--workers", "0", "--store", store).ExitCode);
        using var worker = PodiumProcess.StartInBackground(Folder.Path, "worker", "--store", store, "--threads", "1");
        TrialState running;
        using (var tracker = TrackingStores.Open(store))
        {
            var parent = Assert.Single(tracker.SearchRuns(new RunQuery(new IsNullExpr(Field.Tag(RunTags.Sweep), Negated: true), [], null)));
            var clock = Stopwatch.StartNew();
            while (true)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "no trial got under way: " + worker.Output);
                var trial = tracker.ListTrials(parent.Info.Id).FirstOrDefault(t => t.Status == TrialStatus.Running && t.RunId is not null);
                if (trial is not null && tracker.GetRun(trial.RunId!)?.Metrics.GetValueOrDefault(RunMetrics.Loss) is { Count: >= 1 })
                {
                    running = trial;
                    break;
                }

                Thread.Sleep(50);
            }
        }

        worker.Interrupt();

        Assert.Equal(130, worker.WaitForExit());
        Assert.Contains($"trial {running.Index + 1}: {running.Name} stopped; given back to the queue", worker.Output, StringComparison.Ordinal);
        using var after = TrackingStores.Open(store);
        var back = Assert.Single(after.ListTrials(Assert.Single(after.SearchRuns(new RunQuery(new IsNullExpr(Field.Tag(RunTags.Sweep), Negated: true), [], null))).Info.Id), t => t.Id == running.Id);
        Assert.Equal((TrialStatus.Pending, 0, null), (back.Status, back.Attempts, back.RunId));
        var given = after.GetRun(running.RunId!)!;
        Assert.Equal(RunStatus.Killed, given.Info.Status);
        Assert.NotNull(given.Info.TrashedTime);
        Assert.StartsWith("stopped (Ctrl+C or SIGTERM)", given.Tags[RunTags.SweepAbandoned], StringComparison.Ordinal);

        // The queue as podium sweep status shows it: both trials waiting, nobody at work.
        var (code, status, error) = PodiumProcess.Run(Folder.Path, "sweep", "status", "long", "--store", store);
        Assert.True(code == 0, error);
        Assert.Contains("2 trial(s): 2 pending, 0 running, 0 done, 0 failed", status, StringComparison.Ordinal);
        Assert.DoesNotContain("working:", status, StringComparison.Ordinal);
    }
}

/// <summary>Workers that reach only podium serve, which stands in front of a PostgreSQL database.</summary>
public sealed class ServedSweepAcrossWorkersTests : SweepAcrossWorkersTests
{
    private readonly Dictionary<string, (string Database, PodiumProcess.Background Server)> _servers = [];

    protected override string NewStore()
    {
        var database = PostgresServer.CreateDatabase();
        var server = PodiumProcess.Serve(Folder.Path, out var url, "--store", database, "--port", "0");
        _servers[url] = (database, server);
        return url;
    }

    protected override void DropStore(string store)
    {
        var (database, server) = _servers[store];
        server.Dispose();
        PostgresServer.DropDatabase(database);
    }
}

/// <summary>Processes sharing a PostgreSQL database.</summary>
public sealed class PostgresSweepAcrossWorkersTests : SweepAcrossWorkersTests
{
    protected override string NewStore() => PostgresServer.CreateDatabase();

    protected override void DropStore(string store) => PostgresServer.DropDatabase(store);
}
