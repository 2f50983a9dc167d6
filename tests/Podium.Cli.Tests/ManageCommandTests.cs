using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>
/// rename, note, tag, untag, move, delete, restore and gc as a user meets them: real processes, on a SQLite store and
/// on the same kind of store behind podium serve.
/// </summary>
public sealed class ManageCommandTests : IDisposable
{
    private const string Token = "manage-token";
    private readonly TempFolder _folder = new();

    public ManageCommandTests()
    {
        var (code, _, error) = PodiumProcess.Run(_folder.Path, "example", "--store", "store");
        Assert.True(code == 0, error);
    }

    public void Dispose() => _folder.Dispose();

    private Tracker Store() => Tracker.OpenExisting(_folder.File("store"));

    private RunRecord Example(string name)
    {
        using var tracker = Store();
        return Assert.Single(tracker.Store.SearchRuns(new RunQuery(Field.Attribute("run_name").Is(name), [], null) { Trash = false }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Runs_are_renamed_noted_tagged_moved_deleted_restored_and_purged(bool served)
    {
        var store = "store";
        using var server = served ? PodiumProcess.Serve(_folder.Path, out store, "--store", "store", "--port", "0", "--token", Token) : null;
        (int Code, string Out, string Err) Podium(params string[] arguments) =>
            PodiumProcess.RunWith(_folder.Path, new Dictionary<string, string> { ["PODIUM_TRACKING_TOKEN"] = Token }, [.. arguments, "--store", store]);

        var first = Example("vgg16-adam-b16");
        var second = Example("basic_cnn-sgd-b32");
        using (var tracker = Store())
        {
            tracker.Store.LogArtifact(second.Info.Id, "notes/readme.txt", new MemoryStream(new byte[2048]));
        }

        var id = first.Info.Id[..8];

        // rename, by prefix; then found by its new name
        Assert.Equal((0, $"renamed run {id}: vgg16-adam-b16 → best-so-far\n", ""), Podium("rename", id, "best-so-far"));
        Assert.Contains("run best-so-far (" + first.Info.Id + ")", Podium("show", "best-so-far").Out, StringComparison.Ordinal);

        // note: set, read, shown by show, removed
        Assert.Equal(0, Podium("note", "best-so-far", "first run with the cleaned labels").Code);
        Assert.Equal("first run with the cleaned labels\n", Podium("note", id).Out);
        Assert.Contains("  note           first run with the cleaned labels\n", Podium("show", id).Out, StringComparison.Ordinal);

        // tag and untag; Podium's own tags are not the user's to set or remove
        Assert.Equal((0, $"tagged run {id}: stage=production, owner=ana\n", ""), Podium("tag", id, "stage=production", "owner=ana"));
        Assert.Equal((2, "", "podium: tags starting with 'podium.' are Podium's own; choose another key ('simulated', say)\n"), Podium("tag", id, "podium.simulated=false"));
        Assert.Equal((2, "", "podium: 'stage' is not a tag; write KEY=VALUE, e.g. stage=production\n"), Podium("tag", id, "stage"));
        Assert.Equal((2, "", $"podium: run {id} has no tag 'stag'; did you mean 'stage'? (its tags: owner, stage)\n"), Podium("untag", id, "stag"));
        Assert.Equal(0, Podium("untag", id, "owner").Code);

        // move, to a new experiment
        Assert.Equal(0, Podium("move", id, second.Info.Id[..8], "--experiment", "keepers").Code);
        Assert.Contains("keepers", Podium("experiments").Out, StringComparison.Ordinal);
        Assert.Equal(2, Rows(Podium("board", "--experiment", "keepers", "--format", "csv").Out).Count);

        using (var tracker = Store())
        {
            var renamed = tracker.Store.GetRun(first.Info.Id)!;
            Assert.Equal(("best-so-far", "keepers"), (renamed.Info.Name, renamed.Info.Experiment));
            Assert.Equal("production", renamed.Tags["stage"]);
            Assert.False(renamed.Tags.ContainsKey("owner"));
            Assert.Equal("first run with the cleaned labels", renamed.Tags[RunTags.Note]);
            Assert.Equal(first.Metrics.Keys.Order(), renamed.Metrics.Keys.Order());
        }

        // delete: out of the board, into the trash; restore one; gc purges the other with its files
        Assert.StartsWith("moved 2 runs", Podium("delete", id, "basic_cnn-sgd-b32").Out, StringComparison.Ordinal);
        Assert.Equal(10, Rows(Podium("board", "--format", "csv").Out).Count);
        Assert.Equal(2, Podium("runs", "--trash").Out.Split('\n').Count(l => l.Contains(id, StringComparison.Ordinal) || l.Contains(second.Info.Id[..8], StringComparison.Ordinal)));
        // gc takes only what is in the trash
        Assert.Equal((2, "", "podium: no run with id, prefix or name 'vgg16-adam-b32' in the trash\n"), Podium("gc", "vgg16-adam-b32"));
        Assert.Equal(0, Podium("restore", id).Code);
        Assert.Equal(11, Rows(Podium("board", "--format", "csv").Out).Count);
        var folder = ArtifactFolder(second.Info.Id);
        Assert.True(Directory.Exists(folder), folder);

        var (code, output, error) = Podium("gc");

        Assert.True(code == 0, error);
        Assert.StartsWith($"deleted run {second.Info.Id[..8]} (basic_cnn-sgd-b32) for good, with 2.0 KB of artifacts\n", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
        Assert.Equal("the trash is empty\n", Podium("gc").Out);
        using var after = Store();
        Assert.Null(after.Store.GetRun(second.Info.Id));
        Assert.Equal(11, after.Store.CountRuns(RunQuery.All));
    }

    [Theory]
    [InlineData("rename", "nope", "x")]
    [InlineData("note", "nope", "text")]
    [InlineData("tag", "nope", "a=b")]
    [InlineData("untag", "nope", "a")]
    [InlineData("move", "nope", "--experiment", "e")]
    [InlineData("delete", "nope")]
    [InlineData("restore", "nope")]
    [InlineData("gc", "nope")]
    public void Each_command_refuses_an_unknown_run_with_one_line_and_changes_nothing(params string[] arguments)
    {
        var before = StoreDumpText();

        var (code, output, error) = PodiumProcess.Run(_folder.Path, [.. arguments, "--store", "store"]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Matches(@"^podium: no run with id, prefix or name 'nope' [^\n]+\n$", error);
        Assert.Equal(before, StoreDumpText());
    }

    [Fact]
    public void Deleting_several_runs_where_one_is_unknown_deletes_none()
    {
        var (code, _, error) = PodiumProcess.Run(_folder.Path, "delete", Example("vgg16-adam-b16").Info.Id[..8], "nope", "--store", "store");

        Assert.Equal(2, code);
        Assert.Contains("'nope'", error, StringComparison.Ordinal);
        using var tracker = Store();
        Assert.Equal(12, tracker.Store.CountRuns(RunQuery.All));
    }

    private string StoreDumpText()
    {
        using var tracker = Store();
        return string.Join('\n', tracker.Store.SearchRuns(RunQuery.All).Select(r =>
            $"{r.Info.Id} {r.Info.Name} {r.Info.Experiment} {r.Info.TrashedTime} {string.Join(',', r.Tags.Select(t => t.Key + "=" + t.Value))}"));
    }

    private string ArtifactFolder(string runId) => Path.Combine(_folder.File("store"), "artifacts", runId);

    private static List<string> Rows(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).ToList();
}
