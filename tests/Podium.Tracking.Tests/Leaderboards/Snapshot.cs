using System.Runtime.CompilerServices;
using Xunit;

namespace Podium.Tracking.Tests.Leaderboards;

/// <summary>
/// Compares rendered output with a checked-in file under Expectations/. With PODIUM_UPDATE_SNAPSHOTS=1 it
/// writes the file instead (then review the diff before committing).
/// </summary>
public static class Snapshot
{
    public static void Matches(string actual, string name, [CallerFilePath] string caller = "")
    {
        var expectedPath = Path.Combine(Path.GetDirectoryName(caller)!, "Expectations", name);
        if (Environment.GetEnvironmentVariable("PODIUM_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            return;
        }

        var copied = Path.Combine(AppContext.BaseDirectory, "Leaderboards", "Expectations", name);
        var path = File.Exists(expectedPath) ? expectedPath : copied;
        Assert.True(File.Exists(path), $"no snapshot {name}; run the tests with PODIUM_UPDATE_SNAPSHOTS=1 to write it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
