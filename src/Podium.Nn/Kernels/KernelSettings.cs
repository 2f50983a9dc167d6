namespace Podium.Nn.Kernels;

/// <summary>
/// The engine's tuning knobs, read from the environment once, in one place: the only code of Podium.Nn that reads
/// the environment. Each knob is for experiments and benchmarks; none changes a result, only how it is computed.
/// </summary>
internal static class KernelSettings
{
    /// <summary>PODIUM_GEMM_KC: rows of B (and columns of A) per packed block.</summary>
    public static int GemmKc { get; } = Positive("PODIUM_GEMM_KC", 256);

    /// <summary>PODIUM_GEMM_MC: rows of A per packed block.</summary>
    public static int GemmMc { get; } = Positive("PODIUM_GEMM_MC", 96);

    /// <summary>PODIUM_GEMM_NC: columns of B per packed block.</summary>
    public static int GemmNc { get; } = Positive("PODIUM_GEMM_NC", 3072);

    /// <summary>PODIUM_GEMM_KERNEL: scalar, 128, 256 or 512 asks for a micro-kernel narrower than the widest; null when unset.</summary>
    public static string? GemmKernelName { get; } = Environment.GetEnvironmentVariable("PODIUM_GEMM_KERNEL");

    /// <summary>PODIUM_CONV_CHUNK_KB: bytes of im2col columns per chunk, within a core's L2.</summary>
    public static int ConvChunkBytes { get; } = Positive("PODIUM_CONV_CHUNK_KB", 1024) * 1024;

    /// <summary>PODIUM_CONV_MIN_COLUMNS: columns an im2col chunk has at least, so the GEMM fills its 48-wide panels.</summary>
    public static int ConvMinColumns { get; } = Positive("PODIUM_CONV_MIN_COLUMNS", 192);

    /// <summary>PODIUM_CONV_DIRECT=0 turns the direct convolution off, for comparing it with im2col.</summary>
    public static bool ConvDirect { get; } = Environment.GetEnvironmentVariable("PODIUM_CONV_DIRECT") != "0";

    private static int Positive(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;
}
