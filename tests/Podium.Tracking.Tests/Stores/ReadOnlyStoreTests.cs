using System.Diagnostics;
using System.Security.Cryptography;
using Podium.Tests;
using Xunit;

namespace Podium.Tracking.Tests.Stores;

/// <summary>
/// A store on a read-only file system (a read-only bind mount, as root) or in a folder without write permission
/// (otherwise): it opens to be read, without the WAL switch or any file beside it, and refuses writes with one line.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReadOnlyStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _readOnly;
    private readonly bool _mounted;

    public ReadOnlyStoreTests()
    {
        using (var tracker = Tracker.Open(_folder.File(Path.Combine("source", "store")), new TrackerOptions { CaptureSource = false }))
        {
            using var run = tracker.StartRun("e", name: "kept");
            run.LogMetric("val_accuracy", 0.75, step: 1);
            run.End();
        }

        if (Environment.UserName == "root")
        {
            _readOnly = Directory.CreateDirectory(_folder.File("mounted")).FullName;
            Run("mount", "--bind", _folder.File("source"), _readOnly);
            _mounted = true;
            Run("mount", "-o", "remount,ro,bind", _readOnly);
        }
        else
        {
            _readOnly = _folder.File("source");
            File.SetUnixFileMode(Path.Combine(_readOnly, "store"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            File.SetUnixFileMode(Path.Combine(_readOnly, "store", "podium.db"), UnixFileMode.UserRead);
        }
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", _readOnly);
        }
        else
        {
            File.SetUnixFileMode(Path.Combine(_readOnly, "store"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _folder.Dispose();
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error}");
    }

    [Fact]
    public void A_read_only_store_is_read_and_a_write_is_refused_with_one_line_changing_nothing()
    {
        // Given a store that cannot be written
        var store = Path.Combine(_readOnly, "store");
        var database = Path.Combine(store, "podium.db");
        var before = SHA256.HashData(File.ReadAllBytes(database));

        // When it is opened, searched, and written to
        using var tracker = Tracker.OpenExisting(store);
        var runs = tracker.SearchRuns("metrics.val_accuracy > 0.5");
        var error = Assert.Throws<ReadOnlyStoreException>(() => tracker.StartRun("e", name: "refused"));

        // Then the run is there, the write is refused by name, and the files are as they were
        Assert.Equal("kept", Assert.Single(runs).Info.Name);
        Assert.Equal($"the store '{database}' is read-only (a read-only file or file system): it can be read, not written", error.Message);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(database)));
        Assert.Equal(["podium.db"], Directory.GetFiles(store).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
