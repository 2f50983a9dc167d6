using System.Text;
using Podium.Tests;
using Xunit;

namespace Podium.Tracking.Tests.Stores;

/// <summary>Artifact paths on a real SQLite store: links planted in a run's folder, over-long names, and clashes.</summary>
public sealed class ArtifactPathTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Tracker _tracker;
    private readonly Run _run;

    public ArtifactPathTests()
    {
        _tracker = Tracker.Open(_folder.File("store"), new TrackerOptions { CaptureSource = false });
        _run = _tracker.StartRun("e", name: "with-artifacts");
        _run.LogArtifact("charts/loss.svg", new MemoryStream("<svg/>"u8.ToArray()));
    }

    public void Dispose()
    {
        _run.Dispose();
        _tracker.Dispose();
        _folder.Dispose();
    }

    private string RunFolder => Path.Combine(_folder.File("store"), "artifacts", _run.Id);

    private void Log(string path, string text = "x") => _run.LogArtifact(path, new MemoryStream(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void A_folder_link_planted_in_a_run_folder_is_not_followed_to_write_outside()
    {
        // Given a link inside the run's folder that points outside the store
        var outside = Directory.CreateDirectory(_folder.File("outside")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(RunFolder, "escape"), outside);

        // When an artifact is written through it
        var error = Assert.Throws<ArgumentException>(() => Log("escape/planted.txt"));

        // Then it is refused by name and nothing lands outside
        Assert.Equal("artifact path 'escape/planted.txt' goes through a symbolic link in the run's folder; Podium does not follow links there", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public void A_file_link_planted_over_an_artifact_is_not_served()
    {
        // Given a stored artifact replaced on disk by a link to a file outside the store
        var secret = _folder.File("secret.txt");
        File.WriteAllText(secret, "not for the web");
        var svg = Path.Combine(RunFolder, "charts", "loss.svg");
        File.Delete(svg);
        File.CreateSymbolicLink(svg, secret);

        // When it is read
        var error = Assert.Throws<ArgumentException>(() => _tracker.Store.OpenArtifact(_run.Id, "charts/loss.svg"));

        // Then it is refused by name
        Assert.Contains("goes through a symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(256, 1, "has a name longer than 255 bytes")]
    [InlineData(200, 6, "is longer than 1024 bytes")]
    public void An_over_long_name_is_refused_by_name(int partLength, int parts, string problem)
    {
        var path = string.Join('/', Enumerable.Repeat(new string('a', partLength), parts));

        var error = Assert.Throws<ArgumentException>(() => Log(path));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Single(_tracker.Store.ListArtifacts(_run.Id));
    }

    [Theory]
    [InlineData("charts/loss.svg/inner.txt", "needs a folder 'charts/loss.svg', but an artifact file has that name")]
    [InlineData("charts", "is a folder of other artifacts; give the file another name")]
    public void A_file_where_a_folder_is_needed_or_the_reverse_is_a_conflict_changing_nothing(string path, string problem)
    {
        var error = Assert.Throws<ArtifactConflictException>(() => Log(path));

        Assert.Equal($"artifact path '{path}' {problem}", error.Message);
        Assert.Equal(["charts/loss.svg"], _tracker.Store.ListArtifacts(_run.Id).Select(a => a.Path));
        Assert.Equal("<svg/>", File.ReadAllText(Path.Combine(RunFolder, "charts", "loss.svg")));
    }
}
