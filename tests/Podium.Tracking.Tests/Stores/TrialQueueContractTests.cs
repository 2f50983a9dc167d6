using Podium.Tests;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Tracking.Tests.Stores;

/// <summary>What every store's trial queue must do: SQLite, PostgreSQL and the remote store derive a class from this.</summary>
public abstract class TrialQueueContractTests<TFactory> : IDisposable
    where TFactory : IStoreFactory, new()
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);
    private readonly TempFolder _folder = new();
    private readonly TFactory _factory = new();

    protected TrialQueueContractTests()
    {
        Store = _factory.Create(_folder);
        Tracker = Tracker.Over(Store, new TrackerOptions { CaptureSource = false });
        Sweep = Tracker.StartRun("sweeps", "sweep").Id;
    }

    private ITrackingStore Store { get; }

    private Tracker Tracker { get; }

    private string Sweep { get; }

    public void Dispose()
    {
        Store.Dispose();
        (_factory as IDisposable)?.Dispose();
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }

    private static QueuedTrial[] Trials(int count, int round = 0) =>
        Enumerable.Range(0, count).Select(i => new QueuedTrial(round, i, $"t{i + 1}", $"{{\"trial\":{i}}}")).ToArray();

    [Fact]
    public void Trials_are_claimed_in_order_once_each_and_enqueueing_again_adds_nothing()
    {
        Assert.Equal(3, Store.EnqueueTrials(Sweep, Trials(3), maxAttempts: 2));
        Assert.Equal(0, Store.EnqueueTrials(Sweep, Trials(3), maxAttempts: 2));

        var claims = Enumerable.Range(0, 4).Select(_ => Store.ClaimTrial("w1", Sweep, Long)).ToList();

        Assert.Equal([0, 1, 2], claims.Take(3).Select(c => c!.Index));
        Assert.Equal("{\"trial\":1}", claims[1]!.Spec);
        Assert.Equal(1, claims[0]!.Attempt);
        Assert.Null(claims[3]);
        Assert.All(Store.ListTrials(Sweep), t => Assert.Equal((TrialStatus.Running, "w1", 1), (t.Status, t.Worker, t.Attempts)));
    }

    [Fact]
    public void Completing_marks_the_trial_done_and_ends_its_run_together_and_a_wrong_token_changes_nothing()
    {
        Store.EnqueueTrials(Sweep, Trials(1), maxAttempts: 2);
        var claim = Store.ClaimTrial("w1", null, Long)!;
        var run = Tracker.StartRun("sweeps", claim.Name);
        Assert.True(Store.AttachRun(claim.Id, claim.Token, run.Id));

        Assert.False(Store.CompleteTrial(claim.Id, "not-the-token", RunStatus.Finished, null));
        Assert.Equal(RunStatus.Running, Store.GetRun(run.Id)!.Info.Status);
        Assert.True(Store.CompleteTrial(claim.Id, claim.Token, RunStatus.Finished, null));

        var trial = Assert.Single(Store.ListTrials(Sweep));
        Assert.Equal((TrialStatus.Done, run.Id), (trial.Status, trial.RunId));
        Assert.Equal(RunStatus.Finished, Store.GetRun(run.Id)!.Info.Status);
        Assert.NotNull(Store.GetRun(run.Id)!.Info.EndTime);
        Assert.False(Store.CompleteTrial(claim.Id, claim.Token, RunStatus.Finished, null));
        Assert.Null(Store.ClaimTrial("w2", null, Long));
    }

    [Fact]
    public void A_lease_that_runs_out_puts_the_trial_back_trashes_its_run_and_refuses_the_old_worker()
    {
        Store.EnqueueTrials(Sweep, Trials(1), maxAttempts: 2);
        var first = Store.ClaimTrial("w1", Sweep, Short)!;
        var run = Tracker.StartRun("sweeps", first.Name);
        Store.AttachRun(first.Id, first.Token, run.Id);
        Assert.Null(Store.ClaimTrial("w2", Sweep, Long));

        Thread.Sleep(Short + TimeSpan.FromMilliseconds(300));
        var second = Store.ClaimTrial("w2", Sweep, Long)!;

        Assert.Equal((first.Id, 2), (second.Id, second.Attempt));
        Assert.False(Store.RenewLease(first.Id, first.Token, Long));
        Assert.False(Store.AttachRun(first.Id, first.Token, run.Id));
        Assert.False(Store.CompleteTrial(first.Id, first.Token, RunStatus.Finished, null));
        var abandoned = Store.GetRun(run.Id)!;
        Assert.Equal(RunStatus.Failed, abandoned.Info.Status);
        Assert.NotNull(abandoned.Info.TrashedTime);
        Assert.StartsWith("attempt 1 on w1: its lease ran out", abandoned.Tags[RunTags.SweepAbandoned], StringComparison.Ordinal);
        Assert.Empty(Store.SearchRuns(new RunQuery(Field.Attribute("run_name").Is(first.Name), [], null)));
        var trial = Assert.Single(Store.ListTrials(Sweep));
        Assert.Equal((TrialStatus.Running, "w2", 2), (trial.Status, trial.Worker, trial.Attempts));
        Assert.StartsWith("attempt 1 on w1: its lease ran out", trial.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Renewing_keeps_the_lease_past_its_first_length()
    {
        Store.EnqueueTrials(Sweep, Trials(1), maxAttempts: 2);
        var claim = Store.ClaimTrial("w1", Sweep, Short)!;

        for (var i = 0; i < 4; i++)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(400));
            Assert.True(Store.RenewLease(claim.Id, claim.Token, Short));
        }

        Assert.Null(Store.ClaimTrial("w2", Sweep, Long));
        Assert.True(Store.CompleteTrial(claim.Id, claim.Token, RunStatus.Finished, null));
    }

    [Fact]
    public void Past_the_attempt_limit_a_trial_is_failed_with_every_reason()
    {
        Store.EnqueueTrials(Sweep, Trials(1), maxAttempts: 2);
        Store.ClaimTrial("w1", Sweep, Short);
        Thread.Sleep(Short + TimeSpan.FromMilliseconds(300));
        Store.ClaimTrial("w2", Sweep, Short);
        Thread.Sleep(Short + TimeSpan.FromMilliseconds(300));

        Assert.Null(Store.ClaimTrial("w3", Sweep, Long));

        var trial = Assert.Single(Store.ListTrials(Sweep));
        Assert.Equal((TrialStatus.Failed, 2), (trial.Status, trial.Attempts));
        Assert.Equal(["attempt 1 on w1", "attempt 2 on w2"], trial.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Equal(1, Store.RetryFailedTrials(Sweep));
        Assert.Equal(1, Store.ClaimTrial("w3", Sweep, Long)!.Attempt);
    }

    [Fact]
    public void A_released_trial_is_pending_again_at_once_without_counting_the_attempt()
    {
        Store.EnqueueTrials(Sweep, Trials(1), maxAttempts: 1);
        var claim = Store.ClaimTrial("w1", Sweep, Long)!;
        var run = Tracker.StartRun("sweeps", claim.Name);
        Store.AttachRun(claim.Id, claim.Token, run.Id);

        Assert.True(Store.ReleaseTrial(claim.Id, claim.Token, "stopped by Ctrl+C"));

        var again = Store.ClaimTrial("w2", Sweep, Long)!;
        Assert.Equal((claim.Id, 1), (again.Id, again.Attempt));
        Assert.Equal("stopped by Ctrl+C", Store.GetRun(run.Id)!.Tags[RunTags.SweepAbandoned]);
        Assert.NotNull(Store.GetRun(run.Id)!.Info.TrashedTime);
    }

    [Fact]
    public void Trials_of_a_sweep_run_that_does_not_exist_are_refused()
    {
        Assert.Throws<KeyNotFoundException>(() => Store.EnqueueTrials("0123456789abcdef0123456789abcdef", Trials(1), maxAttempts: 1));
        Assert.Empty(Store.ListTrials("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public void A_claim_for_one_sweep_leaves_other_sweeps_alone()
    {
        var other = Tracker.StartRun("sweeps", "other").Id;
        Store.EnqueueTrials(other, Trials(1), maxAttempts: 1);
        Store.EnqueueTrials(Sweep, Trials(1), maxAttempts: 1);

        Assert.Equal(Sweep, Store.ClaimTrial("w1", Sweep, Long)!.SweepRunId);
        Assert.Null(Store.ClaimTrial("w1", Sweep, Long));
        Assert.Equal(other, Store.ClaimTrial("w1", null, Long)!.SweepRunId);
    }

    [Fact]
    public void Two_workers_racing_for_the_last_trial_a_hundred_times_exactly_one_wins_each_time()
    {
        using var second = _factory.OpenAgain();
        for (var race = 0; race < 100; race++)
        {
            Store.EnqueueTrials(Sweep, [new QueuedTrial(0, race, $"t{race}", "{}")], maxAttempts: 1);
            using var start = new Barrier(2);
            var claims = new TrialClaim?[2];
            var contenders = new[] { Store, second }.Select((store, i) => new Thread(() =>
            {
                start.SignalAndWait();
                claims[i] = store.ClaimTrial("w" + i, Sweep, Long);
            })).ToList();
            contenders.ForEach(t => t.Start());
            contenders.ForEach(t => t.Join());

            var won = Assert.Single(claims, c => c is not null);
            Assert.Equal(race, won!.Index);
        }

        Assert.All(Store.ListTrials(Sweep), t => Assert.Equal((TrialStatus.Running, 1), (t.Status, t.Attempts)));
    }
}
