using System.Runtime.InteropServices;

namespace Podium.Tracking;

/// <summary>The machine a run ran on.</summary>
/// <param name="Os">Operating system description.</param>
/// <param name="Cpu">Processor model and logical core count.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="PodiumVersion">The version of Podium.Tracking that recorded the run.</param>
/// <param name="Host">The machine's name.</param>
public sealed record RunEnvironment(string Os, string Cpu, string Runtime, string PodiumVersion, string Host)
{
    private static readonly Lazy<RunEnvironment> Machine = new(Describe);

    /// <summary>Describes the current process's machine (read once per process: it does not change under a running process).</summary>
    public static RunEnvironment Capture() => Machine.Value;

    private static RunEnvironment Describe() => new(
        RuntimeInformation.OSDescription,
        $"{CpuModel()} ({Environment.ProcessorCount} logical cores, {RuntimeInformation.ProcessArchitecture})",
        RuntimeInformation.FrameworkDescription,
        typeof(RunEnvironment).Assembly.GetName().Version?.ToString(3) ?? "unknown",
        Environment.MachineName);

    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return "unknown CPU";
    }
}
