using Podium.Nn.Kernels;

namespace Podium.Nn;

/// <summary>Engine-wide settings, and the engine's workers for the libraries built on it.</summary>
public static class Engine
{
    /// <summary>
    /// Threads the engine uses: a large matrix product, a layer's parallel loop, and the loops of <see cref="For"/>
    /// (image loading and augmentation). Defaults to the machine's cores. Results are bit-identical whatever the value.
    /// </summary>
    public static int Threads
    {
        get => Gemm.Threads;
        set => Gemm.Threads = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "threads must be at least 1");
    }

    /// <summary>
    /// Runs body(0) … body(count − 1) on the engine's workers, at most <see cref="Threads"/> at a time, and returns when
    /// all are done; the first exception a body throws is rethrown. A loop started inside another, or while another
    /// thread's loop runs, runs on its caller alone. Each body must write only its own outputs.
    /// </summary>
    public static void For(int count, Action<int> body) => Workers.For(count, body);
}
