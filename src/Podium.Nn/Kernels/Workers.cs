using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Podium.Nn.Kernels;

/// <summary>
/// The engine's fork-join loops: <see cref="Gemm.Threads"/> − 1 threads of its own that, after a loop, spin for
/// <see cref="SpinTime"/> before they sleep, as OpenMP's workers do. A training step runs a parallel loop every few
/// hundred microseconds; the .NET thread pool's workers go to sleep between them and take long enough to wake that a
/// loop of 4 partitions on 2 cores often ran 3 of them on the caller's core (Fashion-MNIST training: 945 images/s on
/// the thread pool, 1,160 with its workers made to spin).
/// </summary>
/// <remarks>
/// Indices are handed out one at a time, first come first served; the caller works too. Which thread runs an index
/// never changes a result: every loop body writes its own outputs, and sums across indices are made afterwards in a
/// fixed order. A loop started inside a loop, or while another caller's loop runs, runs on its caller alone.
/// </remarks>
internal static class Workers
{
    /// <summary>How long an idle worker keeps looking for the next loop before it sleeps.</summary>
    private static readonly long SpinTime = Stopwatch.Frequency / 200;

    private static readonly Lock Gate = new();
    private static readonly List<Worker> Pool = [];
    private static Job? s_current;
    private static long s_generation;

    [ThreadStatic]
    private static bool t_inLoop;

    /// <summary>Runs body(0) … body(count − 1) on up to <see cref="Gemm.Threads"/> threads and returns when all are done.</summary>
    public static void For(int count, Action<int> body)
    {
        var helpers = Math.Min(Gemm.Threads, count) - 1;
        if (helpers <= 0 || t_inLoop || !Gate.TryEnter())
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        try
        {
            while (Pool.Count < helpers)
            {
                Pool.Add(new Worker(Pool.Count));
            }

            var job = new Job(body, count, helpers);
            Volatile.Write(ref s_current, job);
            Interlocked.Increment(ref s_generation);
            for (var w = 0; w < helpers; w++)
            {
                Pool[w].Wake();
            }

            t_inLoop = true;
            try
            {
                job.Work();
            }
            finally
            {
                t_inLoop = false;
            }

            // Indices taken by workers may still be running.
            var spin = new SpinWait();
            while (Volatile.Read(ref job.Finished) < count)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            Volatile.Write(ref s_current, null);
            job.Error?.Throw();
        }
        finally
        {
            Gate.Exit();
        }
    }

    private sealed class Job(Action<int> body, int count, int helpers)
    {
        public int Next;
        public int Finished;
        public ExceptionDispatchInfo? Error;

        /// <summary>Workers numbered below this join; the others leave the loop to the caller and the rest.</summary>
        public int Helpers { get; } = helpers;

        public void Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref Next) - 1) < count)
            {
                try
                {
                    body(i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref Error, ExceptionDispatchInfo.Capture(e), null);
                }
                finally
                {
                    Interlocked.Increment(ref Finished);
                }
            }
        }
    }

    private sealed class Worker
    {
        private readonly int _id;
        private readonly ManualResetEventSlim _wake = new(false);
        private int _asleep;

        public Worker(int id)
        {
            _id = id;
            new Thread(Loop) { IsBackground = true, Name = $"podium-nn-{id + 1}" }.Start();
        }

        /// <summary>Called after a new loop is published: wakes the worker if it went to sleep.</summary>
        public void Wake()
        {
            if (Interlocked.Exchange(ref _asleep, 0) == 1)
            {
                _wake.Set();
            }
        }

        private void Loop()
        {
            t_inLoop = true;
            var seen = Volatile.Read(ref s_generation);
            while (true)
            {
                var until = Stopwatch.GetTimestamp() + SpinTime;
                while (Volatile.Read(ref s_generation) == seen && Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(32);
                }

                if (Volatile.Read(ref s_generation) == seen)
                {
                    // Sleep; the generation is read again after saying so, so a loop published meanwhile is not missed.
                    _wake.Reset();
                    Interlocked.Exchange(ref _asleep, 1);
                    if (Volatile.Read(ref s_generation) == seen)
                    {
                        _wake.Wait();
                    }

                    Interlocked.Exchange(ref _asleep, 0);
                    continue;
                }

                seen = Volatile.Read(ref s_generation);
                if (Volatile.Read(ref s_current) is { } job && _id < job.Helpers)
                {
                    job.Work();
                }
            }
        }
    }
}
