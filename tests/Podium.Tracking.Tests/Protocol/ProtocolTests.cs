using System.Text.Json;
using Podium.Tracking.Protocol;
using Xunit;

namespace Podium.Tracking.Tests.Protocol;

/// <summary>The HTTP protocol's records, which the remote store writes and the server reads, through the same JSON contract.</summary>
public sealed class ProtocolTests
{
    [Fact]
    public void A_batch_travels_as_series_and_comes_back_as_logged()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        var batch = new RunBatch();
        batch.Params.Add(new("optimizer", ParamValue.Of("adam")));
        batch.Params.Add(new("lr", ParamValue.Of(double.NaN)));
        batch.Metrics.Add(new("loss", new MetricPoint(1, 0.5, at, 1)));
        batch.Metrics.Add(new("acc", new MetricPoint(1, double.PositiveInfinity, at, null)));
        batch.Metrics.Add(new("loss", new MetricPoint(2, double.NaN, at.AddSeconds(1), 2)));
        batch.Tags.Add(new("stage", "dev"));
        batch.Tags.Add(new("stage", "prod"));

        var json = JsonSerializer.Serialize(LogBatchRequest.From(batch), TrackingJson.Options);
        var back = JsonSerializer.Deserialize<LogBatchRequest>(json, TrackingJson.Options)!.ToBatch(DateTimeOffset.UnixEpoch);

        using var document = JsonDocument.Parse(json);
        var series = document.RootElement.GetProperty("series");
        Assert.Equal(["loss", "acc"], series.EnumerateArray().Select(s => s.GetProperty("key").GetString()));
        Assert.Equal("[0.5,\"NaN\"]", series[0].GetProperty("values").GetRawText());
        Assert.Equal(JsonValueKind.Null, series[1].GetProperty("epochs").ValueKind);
        Assert.Equal(batch.Params, back.Params);
        Assert.Equal(batch.Metrics.Points(), back.Metrics.Points());
        Assert.Equal(["loss", "acc"], back.Metrics.Select(series => series.Key));
        Assert.Equal([new KeyValuePair<string, string>("stage", "prod")], back.Tags);
    }

    [Fact]
    public void Both_sides_use_the_contract_generated_at_build_time()
    {
        foreach (var type in new[] { typeof(CreateRunRequest), typeof(LogBatchRequest), typeof(SearchRequest), typeof(RunsResponse), typeof(ProblemResponse), typeof(RunRecord) })
        {
            Assert.IsType<ProtocolJson>(TrackingJson.Options.GetTypeInfo(type).OriginatingResolver);
        }
    }

    [Fact]
    public void A_problem_carries_only_the_members_it_has()
    {
        var json = JsonSerializer.Serialize(new ProblemResponse("about:blank", "Bad Request", 400, "query error", Column: 3, Token: "x", Problem: "p"), TrackingJson.Options);

        Assert.Equal("""{"type":"about:blank","title":"Bad Request","status":400,"detail":"query error","problem":"p","column":3,"token":"x"}""", json);
    }
}
