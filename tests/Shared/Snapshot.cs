using System.Runtime.CompilerServices;
using Xunit;

namespace Podium.Tests;

/// <summary>
/// Compares rendered output with a checked-in file under Expectations/ beside the calling test. With
/// PODIUM_UPDATE_SNAPSHOTS=1 it writes the file instead (then review the diff before committing). Shared by
/// every test project, which copies its Expectations/ folders to the output for runs outside the source tree.
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

        var copied = Path.Combine(AppContext.BaseDirectory, Path.GetFileName(Path.GetDirectoryName(caller))!, "Expectations", name);
        var path = File.Exists(expectedPath) ? expectedPath : copied;
        Assert.True(File.Exists(path), $"no snapshot {name}; run the tests with PODIUM_UPDATE_SNAPSHOTS=1 to write it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
