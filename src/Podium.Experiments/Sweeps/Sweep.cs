using System.Diagnostics;
using System.Globalization;
using Podium.Experiments.Specs;
using Podium.Tracking;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;

namespace Podium.Experiments.Sweeps;

/// <summary>A trial handed to a worker process: the spec file to run and how to record it.</summary>
/// <param name="SpecFile">A run spec (JSON) holding the trial's every field.</param>
/// <param name="ParentRunId">The sweep's run.</param>
/// <param name="Tags">Tags that tie the trial to its sweep: <see cref="RunTags.SweepKey"/>, <see cref="RunTags.SweepTrial"/>, <see cref="RunTags.SweepRound"/>.</param>
/// <param name="Threads">Threads the worker may use.</param>
public sealed record TrialLaunch(string SpecFile, string ParentRunId, IReadOnlyDictionary<string, string> Tags, int Threads);

/// <summary>How a sweep runs.</summary>
public sealed record SweepOptions
{
    /// <summary>Worker processes training at once.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>The process that runs one trial (e.g. <c>podium run SPEC --parent … --tag …</c>), writing to the same store.</summary>
    public required Func<TrialLaunch, ProcessStartInfo> Launcher { get; init; }

    /// <summary>Where the sweep reports each trial's start and end.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>Stops the sweep: running trials are interrupted, and the sweep run is marked killed.</summary>
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
/// <param name="Failed">Trials whose process failed.</param>
/// <param name="Best">The best trial of the last round, if any finished.</param>
public sealed record SweepOutcome(string ParentRunId, int Ran, int Skipped, int Failed, TrialResult? Best);

/// <summary>
/// Runs a sweep: one parent run; trials as its children in worker processes writing to one store; rounds of
/// successive halving; and, when started again with the same spec, the same parent, skipping trials already finished.
/// </summary>
public static class Sweep
{
    /// <summary>Runs (or resumes) a sweep to its end.</summary>
    public static SweepOutcome Run(Leaderboard board, SweepSpec spec, SweepOptions options)
    {
        var tracker = board.Tracker;
        var earlier = tracker.Store.SearchRuns(new RunQuery(Field.Tag(RunTags.Sweep).Is(spec.Key), [], null));
        using var parent = earlier.Count > 0 ? tracker.ResumeRun(earlier[0].Info.Id) : tracker.StartRun(spec.Fixed.Experiment, spec.Name);
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

        parent.SetTag(RunTags.SweepTrials, spec.Candidates().Count.ToString(CultureInfo.InvariantCulture));
        parent.Flush();
        var folder = Directory.CreateTempSubdirectory("podium-sweep-");
        var (ran, skipped, failed) = (0, 0, 0);
        TrialResult? best = null;
        try
        {
            var candidates = spec.Candidates();
            var rounds = spec.Method == SweepMethod.Halving ? spec.HalvingEpochs(candidates.Count) : [spec.Fixed.Epochs];
            for (var round = 0; round < rounds.Count; round++)
            {
                var epochs = rounds[round];
                var finished = Finished(tracker, spec, round);
                var pending = new List<(SweepTrial Trial, RunSpec Spec)>();
                foreach (var trial in candidates)
                {
                    if (finished.ContainsKey(trial.Index))
                    {
                        skipped++;
                        continue;
                    }

                    var trialSpec = trial.Spec with { Epochs = epochs, Experiment = spec.Fixed.Experiment };
                    var name = $"{trialSpec.DisplayName}-t{trial.Index + 1}" + (rounds.Count > 1 ? $"-r{round + 1}" : "");
                    pending.Add((trial, trialSpec with { Name = name }));
                }

                if (rounds.Count > 1)
                {
                    options.Log.WriteLine($"round {round + 1}/{rounds.Count}: {candidates.Count} candidates for {epochs} epoch(s)");
                }

                var outcome = RunTrials(pending, round, spec, parent.Id, folder.FullName, options);
                ran += outcome.Ran;
                failed += outcome.Failed;
                options.Cancellation.ThrowIfCancellationRequested();
                var results = Finished(tracker, spec, round).Values.OrderBy(r => r.Score, BestFirst(spec.Maximize)).ToList();
                best = results.FirstOrDefault();
                var keep = (int)Math.Ceiling(candidates.Count / (double)spec.Factor);
                var survivors = results.Take(keep).Select(r => r.Index).ToHashSet();
                candidates = candidates.Where(c => survivors.Contains(c.Index)).ToList();
            }

            foreach (var trial in Finished(tracker, spec, rounds.Count - 1).Values)
            {
                // The leaderboard's best-of-sweep view shows the trial tagged best; a resumed sweep may move the tag.
                var batch = new RunBatch();
                batch.Tags.Add(new(RunTags.SweepBest, (trial.RunId == best?.RunId).ToString().ToLowerInvariant()));
                tracker.Store.LogBatch(trial.RunId, batch);
            }

            if (best is not null)
            {
                parent.SetTag(RunTags.SweepBestRunId, best.RunId);
                parent.SetTag(RunTags.SweepBestRunName, best.Name);
                parent.LogMetric(RunMetrics.BestPrefix + spec.Metric, best.Score);
            }

            parent.SetTag(RunTags.SweepFailedTrials, failed.ToString(CultureInfo.InvariantCulture));
            parent.End(RunStatus.Finished);
            return new SweepOutcome(parent.Id, ran, skipped, failed, best);
        }
        catch (OperationCanceledException)
        {
            parent.End(RunStatus.Killed);
            throw;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Best score first for the sweep's goal; a trial that logged no score (NaN) last either way.</summary>
    private static IComparer<double> BestFirst(bool maximize) =>
        Comparer<double>.Create((a, b) => double.IsNaN(a) ? (double.IsNaN(b) ? 0 : 1) : double.IsNaN(b) ? -1 : maximize ? b.CompareTo(a) : a.CompareTo(b));

    /// <summary>The round's finished trials by index (the latest run of each, should a trial have finished twice).</summary>
    private static Dictionary<int, TrialResult> Finished(Tracker tracker, SweepSpec spec, int round)
    {
        var runs = tracker.Store.SearchRuns(new RunQuery(
            RunQuery.And(Field.Tag(RunTags.SweepKey).Is(spec.Key), Field.Tag(RunTags.SweepRound).Is(round.ToString(System.Globalization.CultureInfo.InvariantCulture)), Field.Attribute("status").Is(RunStatus.Finished)),
            [Field.Attribute("start_time").Ascending()],
            null));
        var results = new Dictionary<int, TrialResult>();
        foreach (var run in runs)
        {
            var index = int.Parse(run.Tags[RunTags.SweepTrial], CultureInfo.InvariantCulture);
            var score = run.Metrics.TryGetValue(spec.Metric, out var summary) ? summary.Last : double.NaN;
            results[index] = new TrialResult(index, round, run.Info.Id, run.Info.Name, score);
        }

        return results;
    }

    private static (int Ran, int Failed) RunTrials(List<(SweepTrial Trial, RunSpec Spec)> pending, int round, SweepSpec spec, string parentId, string folder, SweepOptions options)
    {
        var workers = Math.Max(1, options.Workers);
        var threads = Math.Max(1, Environment.ProcessorCount / workers);
        var running = new List<(Process Process, SweepTrial Trial, string Name, Stopwatch Clock, Task<string> Errors)>();
        var (ran, failed, next) = (0, 0, 0);
        var interrupted = false;
        try
        {
            while (running.Count > 0 || (next < pending.Count && !options.Cancellation.IsCancellationRequested))
            {
                while (running.Count < workers && next < pending.Count && !options.Cancellation.IsCancellationRequested)
                {
                    var (trial, trialSpec) = pending[next++];
                    var file = Path.Combine(folder, $"trial-{trial.Index}-{round}.json");
                    File.WriteAllText(file, new RunFile(spec.Data, trialSpec).ToJson());
                    var tags = new Dictionary<string, string>
                    {
                        [RunTags.SweepKey] = spec.Key,
                        [RunTags.SweepTrial] = trial.Index.ToString(CultureInfo.InvariantCulture),
                        [RunTags.SweepRound] = round.ToString(CultureInfo.InvariantCulture),
                    };
                    var start = options.Launcher(new TrialLaunch(file, parentId, tags, threads));
                    start.RedirectStandardOutput = true;
                    start.RedirectStandardError = true;
                    start.UseShellExecute = false;
                    var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start a worker: {start.FileName}");
                    _ = process.StandardOutput.ReadToEndAsync();
                    options.Log.WriteLine($"trial {trial.Index + 1}: {trialSpec.Name} started");
                    running.Add((process, trial, trialSpec.Name!, Stopwatch.StartNew(), process.StandardError.ReadToEndAsync()));
                }

                if (options.Cancellation.IsCancellationRequested && !interrupted)
                {
                    interrupted = true;
                    foreach (var r in running)
                    {
                        Interrupt(r.Process);
                    }
                }

                var done = running.FindIndex(r => r.Process.HasExited);
                if (done < 0)
                {
                    Thread.Sleep(100);
                    continue;
                }

                var (finishedProcess, finishedTrial, name, clock, errors) = running[done];
                running.RemoveAt(done);
                finishedProcess.WaitForExit();
                ran++;
                if (finishedProcess.ExitCode == 0)
                {
                    options.Log.WriteLine($"trial {finishedTrial.Index + 1}: {name} finished in {clock.Elapsed.TotalSeconds:F1} s");
                }
                else if (interrupted)
                {
                    options.Log.WriteLine($"trial {finishedTrial.Index + 1}: {name} interrupted; it runs again when the sweep is started again");
                }
                else
                {
                    failed++;
                    var last = errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {finishedProcess.ExitCode}";
                    options.Log.WriteLine($"trial {finishedTrial.Index + 1}: {name} failed: {last}");
                }

                finishedProcess.Dispose();
            }
        }
        finally
        {
            foreach (var r in running)
            {
                r.Process.Kill(entireProcessTree: true);
                r.Process.Dispose();
            }
        }

        return (ran, failed);
    }

    /// <summary>
    /// Asks a worker to stop as Ctrl+C would, so it ends its run as killed at a batch boundary. SIGTERM, not SIGINT:
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
