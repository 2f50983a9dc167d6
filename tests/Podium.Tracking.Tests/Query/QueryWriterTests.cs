using Podium.Tracking.Query;
using Xunit;

namespace Podium.Tracking.Tests.Query;

/// <summary>A parsed query written back as text (how a remote store sends it) parses to the same query.</summary>
public sealed class QueryWriterTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("metrics.acc > 0.8", "metrics.acc > 0.8")]
    [InlineData("metrics.a > 1 OR metrics.b > 2 AND metrics.c > 3", "metrics.a > 1 OR (metrics.b > 2 AND metrics.c > 3)")]
    [InlineData("(metrics.a > 1 OR metrics.b > 2) AND NOT metrics.c <> 3", "(metrics.a > 1 OR metrics.b > 2) AND NOT (metrics.c != 3)")]
    [InlineData("params.opt = \"it's\" and tags.`odd key` not like 'a%'", "params.opt = 'it''s' AND tags.`odd key` NOT LIKE 'a%'")]
    [InlineData("params.opt not in ('adam', 'sgd') and params.flag = TRUE", "params.opt NOT IN ('adam', 'sgd') AND params.flag = true")]
    [InlineData("metrics.val_loss.MIN < 1e-3 and metrics.`min` is not null", "metrics.val_loss.min < 0.001 AND metrics.`min` IS NOT NULL")]
    [InlineData("attributes.name = 'x' order by metrics.acc desc, attributes.start_time limit 5", "attributes.run_name = 'x' ORDER BY metrics.acc DESC, attributes.start_time ASC LIMIT 5")]
    [InlineData("attributes.start_time >= '2026-03-01T12:00:00Z'", "attributes.start_time >= 1772366400000")]
    [InlineData("metrics.acc > 0 limit 50 offset 100", "metrics.acc > 0 LIMIT 50 OFFSET 100")]
    [InlineData("offset 0", "")]
    [InlineData("order by metrics.acc offset 7", "ORDER BY metrics.acc ASC OFFSET 7")]
    [InlineData("dataset.digest = 'ab' and model.parameters > -5", "dataset.fingerprint = 'ab' AND model.params > -5")]
    public void A_query_is_written_in_canonical_form(string text, string expected)
    {
        Assert.Equal(expected, RunQuery.Parse(text).ToString());
    }

    [Theory]
    [InlineData("metrics.a > 1 OR metrics.b > 2 AND NOT (metrics.c > 3 OR params.d IN (1, 2.5, 'x'))")]
    [InlineData("NOT NOT tags.t = 'a''b' ORDER BY params.`a.b` DESC LIMIT 3")]
    [InlineData("attributes.duration > 0.5 AND attributes.status != 'failed' AND dataset.classes >= 3")]
    public void Writing_again_what_was_written_changes_nothing(string text)
    {
        var once = RunQuery.Parse(text).ToString();

        Assert.Equal(once, RunQuery.Parse(once).ToString());
    }
}
