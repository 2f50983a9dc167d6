using Podium.Nn.Kernels;
using Xunit;

namespace Podium.Nn.Tests.Kernels;

public sealed class WorkersTests
{
    /// <summary>Runs a test body with the engine on 2 threads, then puts the setting back.</summary>
    private static void OnTwoThreads(Action body)
    {
        var threads = Gemm.Threads;
        Gemm.Threads = 2;
        try
        {
            body();
        }
        finally
        {
            Gemm.Threads = threads;
        }
    }

    [Fact]
    public void Every_index_runs_exactly_once_loop_after_loop()
    {
        OnTwoThreads(() =>
        {
            for (var loop = 0; loop < 2000; loop++)
            {
                var count = loop % 9 + 1;
                var runs = new int[count];
                Workers.For(count, i => Interlocked.Increment(ref runs[i]));
                Assert.All(runs, r => Assert.Equal(1, r));
                if (loop % 500 == 0)
                {
                    // Long enough for the workers to stop spinning and sleep: the next loop has to wake them.
                    Thread.Sleep(30);
                }
            }
        });
    }

    [Fact]
    public void A_failing_index_throws_on_the_caller_and_the_next_loop_still_runs()
    {
        OnTwoThreads(() =>
        {
            var error = Assert.Throws<InvalidOperationException>(() => Workers.For(4, i =>
            {
                if (i == 2)
                {
                    throw new InvalidOperationException("index 2 failed");
                }
            }));
            Assert.Equal("index 2 failed", error.Message);

            var sum = 0;
            Workers.For(8, i => Interlocked.Add(ref sum, i));
            Assert.Equal(28, sum);
        });
    }

    [Fact]
    public void Loops_inside_loops_and_from_several_callers_at_once_all_finish()
    {
        OnTwoThreads(() =>
        {
            var totals = new long[4];
            var callers = Enumerable.Range(0, 4).Select(c => new Thread(() =>
            {
                for (var loop = 0; loop < 200; loop++)
                {
                    Workers.For(3, i => Workers.For(5, j => Interlocked.Add(ref totals[c], i * 5 + j)));
                }
            })).ToArray();
            foreach (var caller in callers)
            {
                caller.Start();
            }

            foreach (var caller in callers)
            {
                caller.Join();
            }

            // Σ over i < 3, j < 5 of i·5 + j = Σ 0..14 = 105, 200 times per caller.
            Assert.All(totals, t => Assert.Equal(105 * 200, t));
        });
    }
}
