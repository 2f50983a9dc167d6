using Podium.Tracking.Query;
using Xunit;

namespace Podium.Tracking.Tests.Query;

public sealed class ParserTests
{
    [Fact]
    public void AND_binds_tighter_than_OR()
    {
        var query = RunQuery.Parse("metrics.a > 1 OR metrics.b > 2 AND metrics.c > 3");

        var or = Assert.IsType<OrExpr>(query.Filter);
        Assert.Equal("a", Assert.IsType<ComparisonExpr>(or.Left).Field.Key);
        var and = Assert.IsType<AndExpr>(or.Right);
        Assert.Equal("b", Assert.IsType<ComparisonExpr>(and.Left).Field.Key);
    }

    [Fact]
    public void Parentheses_override_precedence()
    {
        var query = RunQuery.Parse("(metrics.a > 1 OR metrics.b > 2) AND metrics.c > 3");

        var and = Assert.IsType<AndExpr>(query.Filter);
        Assert.IsType<OrExpr>(and.Left);
    }

    [Fact]
    public void The_design_example_parses_whole()
    {
        var query = RunQuery.Parse(
            "metrics.val_accuracy > 0.85 AND params.optimizer = 'adam' AND dataset.name = 'art_data' " +
            "AND tags.stage != 'dev' AND attributes.status = 'finished' " +
            "ORDER BY metrics.val_accuracy DESC, attributes.start_time DESC LIMIT 10");

        Assert.Equal(10, query.Limit);
        Assert.Equal(["metrics.val_accuracy", "attributes.start_time"], query.OrderBy.Select(o => o.Field.Canonical));
        Assert.All(query.OrderBy, o => Assert.True(o.Descending));
    }

    [Theory]
    [InlineData("metrics.val_loss.min", FieldKind.Metric, "val_loss", MetricAggregate.Min)]
    [InlineData("metrics.val_loss.max", FieldKind.Metric, "val_loss", MetricAggregate.Max)]
    [InlineData("metrics.val_loss", FieldKind.Metric, "val_loss", MetricAggregate.Last)]
    [InlineData("metrics.`a.min`", FieldKind.Metric, "a.min", MetricAggregate.Last)]
    [InlineData("metrics.`precision/cat`", FieldKind.Metric, "precision/cat", MetricAggregate.Last)]
    [InlineData("metrics.precision/cat", FieldKind.Metric, "precision/cat", MetricAggregate.Last)]
    [InlineData("params.\"batch size\"", FieldKind.Param, "batch size", MetricAggregate.Last)]
    [InlineData("run.name", FieldKind.Attribute, "run_name", MetricAggregate.Last)]
    [InlineData("attribute.id", FieldKind.Attribute, "run_id", MetricAggregate.Last)]
    [InlineData("datasets.digest", FieldKind.Dataset, "fingerprint", MetricAggregate.Last)]
    [InlineData("model.parameters", FieldKind.Model, "params", MetricAggregate.Last)]
    public void Fields_resolve_to_kind_key_and_aggregate(string text, FieldKind kind, string key, MetricAggregate aggregate)
    {
        var field = RunQuery.ParseField(text);

        Assert.Equal((kind, key, aggregate), (field.Kind, field.Key, field.Aggregate));
    }

    [Fact]
    public void Doubled_quotes_stand_for_one_quote()
    {
        var comparison = Assert.IsType<ComparisonExpr>(RunQuery.Parse("tags.note = 'it''s'").Filter);

        Assert.Equal("it's", comparison.Value.Value);
    }

    [Fact]
    public void Times_are_numbers_or_iso_dates()
    {
        var iso = Assert.IsType<ComparisonExpr>(RunQuery.Parse("attributes.start_time > '2026-01-02T00:00:00Z'").Filter);

        Assert.Equal((double)new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), iso.Value.Value);
    }

    [Fact]
    public void Negative_and_exponent_numbers_parse()
    {
        var filter = RunQuery.Parse("metrics.a > -1.5e-3 AND metrics.b < .5").Filter;

        var and = Assert.IsType<AndExpr>(filter);
        Assert.Equal(-1.5e-3, Assert.IsType<ComparisonExpr>(and.Left).Value.Value);
        Assert.Equal(0.5, Assert.IsType<ComparisonExpr>(and.Right).Value.Value);
    }

    [Fact]
    public void IN_NOT_IN_LIKE_and_IS_NULL_parse()
    {
        var query = RunQuery.Parse("params.optimizer IN ('adam', 'sgd') AND params.model NOT LIKE 'vgg%' AND tags.note IS NOT NULL AND NOT metrics.x IS NULL");

        Assert.NotNull(query.Filter);
    }

    [Theory]
    [InlineData("metric.x = 'abc'", 12, "'abc'", "is a number")]
    [InlineData("metrics.x > 'high'", 13, "'high'", "is a number")]
    [InlineData("foo.bar = 1", 1, "foo", "unknown field")]
    [InlineData("attributes.colour = 'red'", 1, "attributes.colour", "unknown field")]
    [InlineData("params.x = 'unterminated", 12, "'unterminated", "unterminated string")]
    [InlineData("metrics.x > 0.5 AND", 20, "", "expected a field")]
    [InlineData("metrics.x 0.5", 11, "0.5", "expected a comparison")]
    [InlineData("(metrics.x > 1", 1, "(", "never closed")]
    [InlineData("metrics.x > 1)", 14, ")", "unexpected text")]
    [InlineData("attributes.status = 'finishd'", 21, "'finishd'", "unknown status")]
    [InlineData("tags.stage = dev", 14, "dev", "quote text")]
    [InlineData("metrics.x > 1 LIMIT 0", 21, "0", "LIMIT")]
    [InlineData("metrics.x > 1 LIMIT 5 OFFSET 1.5", 30, "1.5", "OFFSET takes a whole number")]
    [InlineData("metrics.x > 1 OFFSET 2 LIMIT 5", 24, "LIMIT", "unexpected text")]
    [InlineData("metrics.x LIKE 'a%'", 11, "LIKE", "works on text")]
    [InlineData("attributes.start_time > 'yesterday'", 25, "'yesterday'", "is a time")]
    [InlineData("metrics.x ! 3", 11, "!", "'!'")]
    [InlineData("metrics.x = 1; DROP TABLE runs", 14, ";", "unexpected character")]
    public void Bad_queries_point_at_the_offending_token(string text, int column, string token, string problem)
    {
        var error = Assert.Throws<QueryException>(() => RunQuery.Parse(text));

        Assert.Equal(column, error.Column);
        Assert.Equal(token, error.Token);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains($"column {column}", error.Message, StringComparison.Ordinal);
    }
}
