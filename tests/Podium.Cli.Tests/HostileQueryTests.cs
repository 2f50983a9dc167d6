using Podium.Tests;
using Podium.Tracking;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>
/// The same 10,000 generated queries as the server's suite (HostileQueries), given to podium runs and podium board as
/// --filter, --order-by and --where: every one prints a result (exit 0) or one clear line on stderr (exit 2), never a
/// trace, never a crash. The largest ones that fit a command line also go to real podium processes, where a stack
/// overflow would kill the process rather than a test.
/// </summary>
public sealed class HostileQueryTests : IDisposable
{
    private const int Queries = 10_000;
    private readonly TempFolder _folder = new();
    private readonly string _store;

    public HostileQueryTests()
    {
        _store = _folder.File("store");
        using var tracker = Tracker.Open(_store, new TrackerOptions { CaptureSource = false });
        for (var i = 0; i < 6; i++)
        {
            using var run = tracker.StartRun("e", name: i % 2 == 0 ? $"école-{i}" : $"run-{i}");
            run.LogParams(new Dictionary<string, object> { ["optimizer"] = i % 2 == 0 ? "adam" : "sgd" });
            run.LogMetric("val_accuracy", 0.5 + (i / 20.0), step: 1);
            run.SetTag("stage", "dev");
            run.End();
        }
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Ten_thousand_hostile_queries_print_a_result_or_one_line()
    {
        var failures = new List<string>();
        var (results, refusals) = (0, 0);
        var i = 0;
        foreach (var (label, query) in HostileQueries.Generate(Queries, seed: 19))
        {
            string[] args = (i++ % 3) switch
            {
                0 => ["runs", "--store", _store, "--filter", query],
                1 => ["board", "--store", _store, "--filter", query, "--format", "csv", "--columns", "run", "--allow-missing"],
                _ => ["board", "--store", _store, "--order-by", query, "--format", "csv", "--columns", "run", "--allow-missing"],
            };
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = PodiumCommand.Run(args, output, error);
            if (Judge(label, code, error.ToString()) is { } failure)
            {
                failures.Add(failure);
            }
            else if (code == 0)
            {
                results++;
            }
            else
            {
                refusals++;
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} bad answers of {Queries}:\n" + string.Join('\n', failures.Take(20)));
        Assert.True(results > 500 && refusals > 1000, $"{results} results and {refusals} refusals: the generator should give plenty of both");
    }

    [Fact]
    public void The_largest_queries_that_fit_a_command_line_do_not_crash_a_real_podium()
    {
        // Linux takes at most 128 KiB in one argument; the deepest nesting and longest chains below that.
        var largest = HostileQueries.Generate(Queries, seed: 19).Take(60).Where(q => q.Query.Length is > 20_000 and < 120_000).ToList();
        Assert.True(largest.Count >= 5, $"only {largest.Count} large queries");
        var failures = new List<string>();
        foreach (var (label, query) in largest)
        {
            var (code, _, err) = PodiumProcess.Run(_folder.Path, "runs", "--store", _store, "--filter", query);
            if (Judge(label, code, err) is { } failure)
            {
                failures.Add(failure);
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>Null when the answer is a result (exit 0) or a refusal (exit 2) in one clear line; else what is wrong.</summary>
    private static string? Judge(string label, int code, string error)
    {
        var message = error.Length > 300 ? error[..300] + "…" : error;
        return code switch
        {
            0 when error.Length == 0 => null,
            2 when HostileAnswers.Problem(error) is null => null,
            2 => $"{label}: {HostileAnswers.Problem(error)}: {message}",
            _ => $"{label}: exit {code}: {message}",
        };
    }
}
