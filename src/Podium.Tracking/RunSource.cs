using System.Diagnostics;

namespace Podium.Tracking;

/// <summary>Where a run's code came from: the git commit, whether the tree had changes, and the command line.</summary>
/// <param name="GitCommit">The commit checked out when the run started, or null outside a git work tree.</param>
/// <param name="GitDirty">Whether tracked files differed from that commit; null when unknown.</param>
/// <param name="CommandLine">The command line of the process that started the run.</param>
public sealed record RunSource(string? GitCommit, bool? GitDirty, string CommandLine)
{
    /// <summary>Reads the source of the current process: <c>git</c> in the working directory, and the command line.</summary>
    public static RunSource Capture()
    {
        var commit = Git("rev-parse HEAD");
        bool? dirty = null;
        if (commit is not null)
        {
            var status = Git("status --porcelain --untracked-files=no");
            dirty = status is null ? null : status.Length > 0;
        }

        return new RunSource(commit, dirty, string.Join(' ', Environment.GetCommandLineArgs()));
    }

    private static string? Git(string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git on the machine: the source is simply unknown.
            return null;
        }
    }
}
