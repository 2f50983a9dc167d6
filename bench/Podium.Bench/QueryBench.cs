using System.Diagnostics;
using Podium.Tracking.Query;

/// <summary>Parsing and compiling long queries: time should grow in proportion to the number of conditions.</summary>
internal static class QueryBench
{
    public static void Run()
    {
        foreach (var conditions in new[] { 1_000, 2_500, 5_000, 10_000 })
        {
            var text = string.Join(" AND ", Enumerable.Range(0, conditions).Select(i => $"params.optimizer != 'x{i}'"));
            var times = new List<double>();
            for (var i = 0; i < 11; i++)
            {
                var clock = Stopwatch.StartNew();
                var query = RunQuery.Parse(text);
                _ = SqlCompiler.CompileSelect(query, SqliteDialect.Instance);
                if (i > 0)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            Console.WriteLine($"query: {conditions,6:N0} conditions ({text.Length / 1024,4:N0} KiB) parsed and compiled: median {times[times.Count / 2],7:F1} ms ({times[times.Count / 2] * 1000 / conditions:F1} µs a condition)");
        }
    }
}
