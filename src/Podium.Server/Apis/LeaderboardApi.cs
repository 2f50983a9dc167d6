using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;

namespace Podium.Server.Apis;

/// <summary>Leaderboard rows, as JSON or CSV, with the CLI's filter, order, columns and best-of-sweep view.</summary>
internal static class LeaderboardApi
{
    public static void MapLeaderboardApi(this RouteGroupBuilder api)
    {
        api.MapGet("/leaderboard", (ITrackingStore store, string? filter, string? order_by, string? columns, int? limit, string? experiment, bool? best_of_sweep, string? format) =>
        {
            var table = LeaderboardTable.Build(store, filter, order_by, columns?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Math.Clamp(limit ?? 100, 1, 100_000), experiment, best_of_sweep == true ? LeaderboardTable.BestOfSweep : null);
            return format?.ToLowerInvariant() switch
            {
                null or "json" => Results.Text(table.ToJson(indented: false), "application/json"),
                "csv" => Results.Text(table.ToCsv(), "text/csv; charset=utf-8"),
                _ => throw new ArgumentException($"format '{format}' is not json or csv"),
            };
        });
        api.MapGet("/leaderboard/columns", () => LeaderboardColumn.DefaultNames);
    }
}
