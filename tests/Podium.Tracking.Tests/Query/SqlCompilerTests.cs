using Podium.Tracking.Query;
using Xunit;

namespace Podium.Tracking.Tests.Query;

public sealed class SqlCompilerTests
{
    [Theory]
    [InlineData("params.`k3y'; DROP TABLE runs; --` = 'v@lue''); DELETE FROM runs; --'")]
    [InlineData("tags.`x\" OR 1=1 --` LIKE '%'' OR ''1''=''1'")]
    [InlineData("metrics.`m) OR (1=1` > 0.5 ORDER BY params.`o; DROP` DESC")]
    [InlineData("dataset.name IN ('a''); DROP TABLE datasets; --', 'b')")]
    public void Every_key_and_value_the_user_wrote_is_a_parameter_never_sql_text(string query)
    {
        var parsed = RunQuery.Parse(query);

        var (sql, parameters) = SqlCompiler.CompileSelect(parsed, SqliteDialect.Instance);

        Assert.DoesNotContain("DROP", sql, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("DELETE", sql, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("1=1", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("--", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("'", sql, StringComparison.Ordinal);
        Assert.Contains(parameters, p => p.Value is string s && (s.Contains("DROP", StringComparison.Ordinal) || s.Contains("1=1", StringComparison.Ordinal) || s.Contains("OR (", StringComparison.Ordinal)));
    }

    [Fact]
    public void One_join_per_distinct_key_however_often_it_is_named()
    {
        var (sql, _) = SqlCompiler.CompileSelect(
            RunQuery.Parse("metrics.acc > 0.5 AND metrics.acc < 0.9 ORDER BY metrics.acc DESC"), SqliteDialect.Instance);

        Assert.Equal(1, CountOf(sql, "JOIN metric_summaries"));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
