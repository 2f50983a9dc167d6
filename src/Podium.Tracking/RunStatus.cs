namespace Podium.Tracking;

/// <summary>Where a run is in its life.</summary>
public enum RunStatus
{
    /// <summary>Started and not yet ended (or its process died without ending it).</summary>
    Running,

    /// <summary>Ended normally.</summary>
    Finished,

    /// <summary>Ended by an error, or disposed without being ended.</summary>
    Failed,

    /// <summary>Stopped on request (Ctrl+C, cancellation).</summary>
    Killed,
}

/// <summary>Text forms of <see cref="RunStatus"/> as they appear in queries and output.</summary>
public static class RunStatuses
{
    /// <summary>The lower-case name used in queries and output: running, finished, failed, killed.</summary>
    public static string ToText(this RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Finished => "finished",
        RunStatus.Failed => "failed",
        RunStatus.Killed => "killed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses a lower- or mixed-case status name.</summary>
    public static bool TryParse(string text, out RunStatus status)
    {
        foreach (var candidate in Enum.GetValues<RunStatus>())
        {
            if (string.Equals(candidate.ToText(), text, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
