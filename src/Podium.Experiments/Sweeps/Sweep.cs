using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Podium.Experiments.Specs;
using Podium.Tracking;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Experiments.Sweeps;

/// <summary>A worker process a sweep starts on this machine: it claims the sweep's trials from the store until none is left.</summary>
/// <param name="ParentRunId">The sweep's run.</param>
/// <param name="Threads">Threads the worker may use.</param>
public sealed record WorkerLaunch(string ParentRunId, int Threads);

/// <summary>How a sweep runs.</summary>
public sealed record SweepOptions
{
    /// <summary>Worker processes started here; 0 only enqueues the trials, for workers started elsewhere.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>The worker process (e.g. <c>podium worker --sweep ID --threads N</c>), writing to the same store.</summary>
    public required Func<WorkerLaunch, ProcessStartInfo> Launcher { get; init; }

    /// <summary>Where the sweep reports each trial's start and end (the workers' own lines).</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>Stops the sweep: the workers give their trials back, and the sweep run is marked killed.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>One trial as the store recorded it.</summary>
/// <param name="Index">The trial's index among the candidates.</param>
/// <param name="Round">Its halving round (0 for grid and random).</param>
/// <param name="RunId">The run that recorded it.</param>
/// <param name="Name">The run's name.</param>
/// <param name="Score">The sweep metric's last value, or NaN when the run did not log it.</param>
public sealed record TrialResult(int Index, int Round, string RunId, string Name, double Score);

/// <summary>What a sweep did.</summary>
/// <param name="ParentRunId">The sweep's run; all trials are its children.</param>
/// <param name="Ran">Trials run this time.</param>
/// <param name="Skipped">Trials already finished by an earlier start of the same sweep.</param>
/// <param name="Failed">Trials that failed.</param>
/// <param name="Best">The best trial of the last round, if any finished.</param>
public sealed record SweepOutcome(string ParentRunId, int Ran, int Skipped, int Failed, TrialResult? Best);

/// <summary>
/// What a sweep's workers need to know of it, kept as JSON on its run (<see cref="RunTags.SweepPlan"/>): the metric
/// and goal, the halving rounds' epochs and factor, and how many times a trial may be claimed.
/// </summary>
/// <param name="Key">The sweep's key (a hash of its spec).</param>
/// <param name="Metric">The metric it ranks by.</param>
/// <param name="Maximize">Whether higher is better.</param>
/// <param name="Rounds">Epochs per round: one round for grid and random.</param>
/// <param name="Factor">Halving's factor: each round keeps the best 1/factor.</param>
/// <param name="MaxAttempts">Claims allowed per trial before it is failed.</param>
public sealed record SweepPlan(string Key, string Metric, bool Maximize, IReadOnlyList<int> Rounds, int Factor, int MaxAttempts)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The plan as the sweep's run keeps it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The plan a sweep's run holds.</summary>
    /// <exception cref="InvalidOperationException">The run is not a sweep that Podium queues (one from before queues).</exception>
    public static SweepPlan Of(RunRecord parent) =>
        parent.Tags.TryGetValue(RunTags.SweepPlan, out var json) ? JsonSerializer.Deserialize<SweepPlan>(json, Json)!
            : throw new InvalidOperationException($"run {parent.Info.Name} ({parent.Info.Id[..8]}) is not a queued sweep; start it with podium sweep SPEC");
}

/// <summary>
/// A sweep as a queue of trials in the store: one parent run; trials enqueued and claimed by workers on any machine
/// (<see cref="SweepWorker"/>); rounds of successive halving that advance when a round's trials are done, whoever ran
/// them; and, started again with the same spec, the same parent, its finished trials kept and failed ones retried.
/// </summary>
public static class Sweep
{
    /// <summary>Creates (or resumes) the sweep's run and puts its first round's trials in the queue; returns the run's id.</summary>
    public static string Enqueue(Tracker tracker, SweepSpec spec)
    {
        var store = tracker.Store;
        var earlier = store.SearchRuns(new RunQuery(Field.Tag(RunTags.Sweep).Is(spec.Key), [], null));
        using var parent = earlier.Count > 0 ? tracker.ResumeRun(earlier[0].Info.Id) : tracker.StartRun(spec.Fixed.Experiment, spec.Name);
        var candidates = spec.Candidates();
        var rounds = spec.Method == SweepMethod.Halving ? spec.HalvingEpochs(candidates.Count) : [spec.Fixed.Epochs];
        if (earlier.Count == 0)
        {
            parent.SetTag(RunTags.Sweep, spec.Key);
            parent.LogParams(new Dictionary<string, object>
            {
                [RunParams.SweepMethod] = spec.Method.ToString().ToLowerInvariant(),
                [RunParams.SweepMetric] = spec.Metric,
                [RunParams.SweepGoal] = spec.Maximize ? "maximize" : "minimize",
                [RunParams.SweepParams] = string.Join(',', spec.Swept),
            });
        }

        var plan = new SweepPlan(spec.Key, spec.Metric, spec.Maximize, rounds, spec.Factor, spec.Retries + 1);
        parent.SetTag(RunTags.SweepPlan, plan.ToJson());
        parent.SetTag(RunTags.SweepScales, JsonSerializer.Serialize(spec.Parameters.ToDictionary(p => p.Name, p => p.Distribution switch
        {
            "log_uniform" or "log_uniform_values" => "log",
            "int_uniform" => "int",
            "uniform" => "linear",
            _ => "values",
        })));
        parent.SetTag(RunTags.SweepTrials, candidates.Count.ToString(CultureInfo.InvariantCulture));
        parent.Flush();
        store.EnqueueTrials(parent.Id, candidates.Select(trial =>
        {
            var run = trial.Spec with { Epochs = rounds[0], Experiment = spec.Fixed.Experiment };
            var name = run.DisplayName + TrialSuffix(trial.Index, 0, rounds.Count);
            return new QueuedTrial(0, trial.Index, name, new RunFile(spec.Data, run with { Name = name }).ToJson());
        }).ToList(), plan.MaxAttempts);
        store.RetryFailedTrials(parent.Id);
        Advance(store, parent.Id);
        parent.Detach();
        return parent.Id;
    }

    private static string TrialSuffix(int index, int round, int rounds) => $"-t{index + 1}" + (rounds > 1 ? $"-r{round + 1}" : "");

    /// <summary>
    /// Enqueues the sweep, runs <see cref="SweepOptions.Workers"/> worker processes until no trial is left, and
    /// reports what was done.
    /// </summary>
    public static SweepOutcome Run(Leaderboard board, SweepSpec spec, SweepOptions options)
    {
        var tracker = board.Tracker;
        var parentId = Enqueue(tracker, spec);
        var before = tracker.Store.ListTrials(parentId);
        var doneBefore = before.Count(t => t.Status == TrialStatus.Done);
        if (options.Workers > 0)
        {
            try
            {
                RunWorkers(parentId, options);
            }
            catch (OperationCanceledException)
            {
                tracker.Store.EndRun(parentId, RunStatus.Killed, DateTimeOffset.UtcNow);
                throw;
            }
        }

        var after = tracker.Store.ListTrials(parentId);
        var best = Best(tracker.Store, parentId);
        return new SweepOutcome(parentId, after.Count(t => t.Status is TrialStatus.Done or TrialStatus.Failed) - doneBefore, doneBefore,
            after.Count(t => t.Status == TrialStatus.Failed), best);
    }

    /// <summary>The best trial of the sweep's last round so far, by its plan's metric and goal.</summary>
    public static TrialResult? Best(ITrackingStore store, string parentId)
    {
        var parent = store.GetRun(parentId) ?? throw new ArgumentException($"no run {parentId}");
        var plan = SweepPlan.Of(parent);
        var trials = store.ListTrials(parentId);
        var last = trials.Count == 0 ? 0 : trials.Max(t => t.Round);
        return Results(store, plan, trials.Where(t => t.Round == last)).FirstOrDefault();
    }

    /// <summary>The done trials' results, best first; a trial that logged no score last.</summary>
    private static List<TrialResult> Results(ITrackingStore store, SweepPlan plan, IEnumerable<TrialState> trials) =>
        trials.Where(t => t.Status == TrialStatus.Done && t.RunId is not null)
            .Select(t =>
            {
                var run = store.GetRun(t.RunId!)!;
                return new TrialResult(t.Index, t.Round, run.Info.Id, run.Info.Name, run.Metrics.TryGetValue(plan.Metric, out var s) ? s.Last : double.NaN);
            })
            .OrderBy(r => r.Score, BestFirst(plan.Maximize))
            .ThenBy(r => r.Index)
            .ToList();

    /// <summary>
    /// Moves a sweep on once its latest round has no trial pending or running: the next halving round's trials go in
    /// the queue, or, after the last round, the best trial is tagged and the sweep's run ends. Any worker may call it,
    /// any number of times: what it adds is the same whoever adds it. Returns whether the sweep is complete.
    /// </summary>
    public static bool Advance(ITrackingStore store, string parentId)
    {
        var parent = store.GetRun(parentId) ?? throw new ArgumentException($"no run {parentId}");
        var plan = SweepPlan.Of(parent);
        var trials = store.ListTrials(parentId);
        if (trials.Count == 0)
        {
            return false;
        }

        var round = trials.Max(t => t.Round);
        var current = trials.Where(t => t.Round == round).ToList();
        if (current.Any(t => t.Status is TrialStatus.Pending or TrialStatus.Running))
        {
            return false;
        }

        var results = Results(store, plan, current);
        if (round + 1 < plan.Rounds.Count)
        {
            var keep = (int)Math.Ceiling(current.Count / (double)plan.Factor);
            var first = trials.Where(t => t.Round == 0).ToDictionary(t => t.Index);
            var next = results.Take(keep).Select(r =>
            {
                var spec = RunFile.Parse(first[r.Index].Spec);
                var run = spec.Run with { Name = null, Epochs = plan.Rounds[round + 1] };
                var name = run.DisplayName + TrialSuffix(r.Index, round + 1, plan.Rounds.Count);
                return new QueuedTrial(round + 1, r.Index, name, (spec with { Run = run with { Name = name } }).ToJson());
            }).ToList();
            store.EnqueueTrials(parentId, next, plan.MaxAttempts);
            return false;
        }

        Finish(store, parent, plan, results, trials);
        return true;
    }

    private static void Finish(ITrackingStore store, RunRecord parent, SweepPlan plan, List<TrialResult> results, IReadOnlyList<TrialState> trials)
    {
        var best = results.FirstOrDefault();
        foreach (var trial in results)
        {
            // The leaderboard's best-of-sweep view shows the trial tagged best; a resumed sweep may move the tag.
            var tag = new RunBatch();
            tag.Tags.Add(new(RunTags.SweepBest, (trial.RunId == best?.RunId).ToString().ToLowerInvariant()));
            store.LogBatch(trial.RunId, tag);
        }

        var batch = new RunBatch();
        if (best is not null)
        {
            batch.Tags.Add(new(RunTags.SweepBestRunId, best.RunId));
            batch.Tags.Add(new(RunTags.SweepBestRunName, best.Name));
            if (!parent.Metrics.TryGetValue(RunMetrics.BestPrefix + plan.Metric, out var logged) || logged.Last.CompareTo(best.Score) != 0)
            {
                batch.Metrics.Add(RunMetrics.BestPrefix + plan.Metric, new MetricPoint(logged?.Count ?? 0, best.Score, DateTimeOffset.UtcNow));
            }
        }

        batch.Tags.Add(new(RunTags.SweepFailedTrials, trials.Count(t => t.Status == TrialStatus.Failed).ToString(CultureInfo.InvariantCulture)));
        store.LogBatch(parent.Info.Id, batch);
        if (parent.Info.Status != RunStatus.Finished)
        {
            store.EndRun(parent.Info.Id, RunStatus.Finished, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>Best score first for the sweep's goal; a trial that logged no score (NaN) last either way.</summary>
    private static IComparer<double> BestFirst(bool maximize) =>
        Comparer<double>.Create((a, b) => double.IsNaN(a) ? (double.IsNaN(b) ? 0 : 1) : double.IsNaN(b) ? -1 : maximize ? b.CompareTo(a) : a.CompareTo(b));

    /// <summary>Starts the workers, passes their lines on, and waits for them; on cancellation asks them to give their trials back.</summary>
    private static void RunWorkers(string parentId, SweepOptions options)
    {
        var threads = Math.Max(1, Environment.ProcessorCount / options.Workers);
        var gate = new object();
        var workers = new List<Process>();
        try
        {
            for (var i = 0; i < options.Workers; i++)
            {
                var start = options.Launcher(new WorkerLaunch(parentId, threads));
                start.RedirectStandardOutput = true;
                start.RedirectStandardError = true;
                start.UseShellExecute = false;
                var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start a worker: {start.FileName}");
                process.OutputDataReceived += (_, e) => Pass(e.Data);
                process.ErrorDataReceived += (_, e) => Pass(e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                workers.Add(process);
            }

            var interrupted = false;
            while (workers.Any(w => !w.HasExited))
            {
                if (options.Cancellation.IsCancellationRequested && !interrupted)
                {
                    interrupted = true;
                    workers.ForEach(Interrupt);
                }

                Thread.Sleep(100);
            }

            workers.ForEach(w => w.WaitForExit());
            options.Cancellation.ThrowIfCancellationRequested();
        }
        finally
        {
            foreach (var worker in workers)
            {
                if (!worker.HasExited)
                {
                    worker.Kill(entireProcessTree: true);
                }

                worker.Dispose();
            }
        }

        void Pass(string? line)
        {
            if (!string.IsNullOrEmpty(line))
            {
                lock (gate)
                {
                    options.Log.WriteLine(line);
                }
            }
        }
    }

    /// <summary>
    /// Asks a worker to stop as Ctrl+C would, so it gives its trial back at a batch boundary. SIGTERM, not SIGINT:
    /// a sweep started in the background runs its workers with SIGINT ignored, as Unix shells leave it.
    /// </summary>
    private static void Interrupt(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            process.Kill();
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill?.WaitForExit();
    }
}
