namespace Podium.Nn;

/// <summary>Engine-wide settings.</summary>
public static class Engine
{
    /// <summary>Threads a large matrix product or a layer's parallel loop may use (default: the machine's cores). Results are bit-identical whatever the value.</summary>
    public static int Threads
    {
        get => Gemm.Threads;
        set => Gemm.Threads = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "threads must be at least 1");
    }
}
