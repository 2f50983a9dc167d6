using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Podium.Tracking;
using Podium.Tracking.Protocol;

namespace Podium.Server.Apis;

/// <summary>Sweeps' trial queues: what a worker that reaches the store only through this server calls.</summary>
internal static class SweepsApi
{
    /// <summary>The longest lease a worker may ask for.</summary>
    private static readonly TimeSpan MostLease = TimeSpan.FromHours(24);

    public static void MapSweepsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/sweeps/{sweep}/trials", (ITrackingStore store, string sweep, EnqueueTrialsRequest request) =>
            new QueueResponse(store.EnqueueTrials(sweep, request.Trials ?? throw new ArgumentException("give the trials to enqueue"),
                request.MaxAttempts >= 1 ? request.MaxAttempts : throw new ArgumentException($"max attempts must be at least 1, got {request.MaxAttempts}"))));
        api.MapPost("/sweeps/{sweep}/trials/retry", (ITrackingStore store, string sweep) => new QueueResponse(store.RetryFailedTrials(sweep)));
        api.MapGet("/sweeps/{sweep}/trials", (ITrackingStore store, string sweep) => store.ListTrials(sweep));
        api.MapPost("/trials/claim", IResult (ITrackingStore store, ClaimTrialRequest request) =>
        {
            if (string.IsNullOrWhiteSpace(request.Worker))
            {
                throw new ArgumentException("say which worker claims the trial");
            }

            var claim = store.ClaimTrial(request.Worker, request.Sweep, Lease(request.LeaseMilliseconds));
            return claim is null ? Results.NoContent() : Results.Ok(claim);
        });
        api.MapPost("/trials/{id:long}/attach", (ITrackingStore store, long id, TrialLeaseRequest request) =>
            Answer(store.AttachRun(id, request.Token, request.RunId ?? throw new ArgumentException("give the run the attempt writes to"))));
        api.MapPost("/trials/{id:long}/renew", (ITrackingStore store, long id, TrialLeaseRequest request) =>
            Answer(store.RenewLease(id, request.Token, Lease(request.LeaseMilliseconds ?? 0))));
        api.MapPost("/trials/{id:long}/complete", (ITrackingStore store, long id, TrialLeaseRequest request) =>
            Answer(store.CompleteTrial(id, request.Token, request.Status is RunStatus.Finished or RunStatus.Failed ? request.Status.Value
                : throw new ArgumentException("a trial completes as finished or failed"), request.Reason)));
        api.MapPost("/trials/{id:long}/release", (ITrackingStore store, long id, TrialLeaseRequest request) =>
            Answer(store.ReleaseTrial(id, request.Token, request.Reason ?? "given back")));
    }

    private static QueueResponse Answer(bool held) => new(held ? 1 : 0);

    private static TimeSpan Lease(long milliseconds) => milliseconds >= 1000 && milliseconds <= MostLease.TotalMilliseconds
        ? TimeSpan.FromMilliseconds(milliseconds)
        : throw new ArgumentException($"a lease lasts from 1 s to {MostLease.TotalHours:0} h, not {milliseconds} ms");
}
