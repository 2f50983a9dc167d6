using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;

namespace Podium.Server.Apis;

/// <summary>Leaderboard rows, as JSON or CSV, with the CLI's filter, order, columns and best-of-sweep view.</summary>
internal static class LeaderboardApi
{
    public static void MapLeaderboardApi(this RouteGroupBuilder api)
    {
        // A page of the ranked runs: offset and limit read a long leaderboard a page at a time, with the order and
        // filters on the server. "where" narrows "filter" further (the page's column filters), as does the best-of-sweep view.
        api.MapGet("/leaderboard", (ITrackingStore store, string? filter, string? where, string? order_by, string? columns, int? limit, int? offset, string? experiment, bool? best_of_sweep, string? format) =>
        {
            // Joined as trees: a "where" holding ") OR (" cannot widen the best-of-sweep view.
            var scope = RunQuery.And(best_of_sweep == true ? LeaderboardTable.BestOfSweep : null, RunQuery.Parse(where).Filter);
            var table = LeaderboardTable.Build(store, filter, string.IsNullOrWhiteSpace(order_by) ? null : order_by,
                columns?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Math.Clamp(limit ?? 100, 1, 100_000), experiment, scope,
                offset is < 0 ? throw new ArgumentException($"offset {offset} is negative; it counts the runs to skip") : offset ?? 0);
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
