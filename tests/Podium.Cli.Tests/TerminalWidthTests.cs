using System.Text.RegularExpressions;
using Podium.Tests;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>
/// podium board in a real pseudo-terminal (util-linux's script) at 80, 120 and 160 columns: no line is longer than
/// the terminal, no header is split, the left-out columns are named; and piped output stays complete.
/// </summary>
public sealed partial class TerminalWidthTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public TerminalWidthTests() => Assert.Equal(0, PodiumProcess.Run(_folder.Path, "example", "--store", "store").ExitCode);

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(160)]
    public void The_leaderboard_fits_the_terminal_without_a_split_header(int columns)
    {
        var screen = InTerminal(columns, "board", "--store", "store");
        var lines = screen.Split('\n');

        Assert.All(lines, line => Assert.True(line.Length <= columns, $"{line.Length} > {columns}: {line}"));
        var header = lines.First(line => line.Contains("rank", StringComparison.Ordinal));
        Assert.Contains("│ val_accuracy │", header, StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith("left out: ", StringComparison.Ordinal));
        Snapshot.Matches(screen, $"board-{columns}.txt");
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(160)]
    public void A_run_fits_the_terminal_progress_bar_and_table_alike(int columns)
    {
        File.WriteAllText(_folder.File("tiny.yaml"), Tiny + "epochs: 2\n");

        var screen = InTerminal(columns, "run", "tiny.yaml", "--store", $"run-{columns}");

        var lines = Fits(screen, columns);
        Assert.Contains(lines, line => line.StartsWith("Epoch 2/2", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("val_accuracy: ", StringComparison.Ordinal));
        HeaderIsOneLine(lines, "│ val_accuracy │");
        Snapshot.Matches(Trained(Stable(string.Join('\n', lines))), $"run-{columns}.txt");
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(160)]
    public void A_sweep_fits_the_terminal_and_shows_what_it_varied(int columns)
    {
        File.WriteAllText(_folder.File("grid.yaml"), Tiny + "epochs: 1\nmethod: grid\nparameters:\n  optimizer: [adam, sgd]\n");

        var screen = InTerminal(columns, "sweep", "grid.yaml", "--workers", "1", "--store", $"sweep-{columns}");

        var lines = Fits(screen, columns);
        HeaderIsOneLine(lines, "│ optimizer │");
        Snapshot.Matches(Trained(Stable(string.Join('\n', lines))), $"sweep-{columns}.txt");
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(160)]
    public void Show_fits_the_terminal(int columns)
    {
        var screen = InTerminal(columns, "show", "vgg16-adam-b16", "--store", "store");

        var lines = Fits(screen, columns);
        HeaderIsOneLine(lines, "│ metric ");
        Snapshot.Matches(Stable(string.Join('\n', lines)), $"show-{columns}.txt");
    }

    private const string Tiny = "data: {source: shapes, count: 120, size: 16, classes: 3}\nmodel: basic_cnn\nmodel_width: 0.25\npadding: same\nbatch_size: 16\nlearning_rate: 0.005\nseed: 3\n";

    /// <summary>
    /// The lines as the terminal leaves them (a carriage return starts a line again), after checking that every
    /// piece drawn, redrawn progress bars included, was within the width.
    /// </summary>
    private static List<string> Fits(string screen, int columns)
    {
        var lines = new List<string>();
        foreach (var line in screen.Split('\n'))
        {
            var pieces = line.Split('\r');
            Assert.All(pieces, piece => Assert.True(piece.Length <= columns, $"{piece.Length} > {columns}: {piece}"));
            lines.Add(pieces[^1]);
        }

        return lines;
    }

    /// <summary>A table's header is one line: the line after it is the rule under the headers.</summary>
    private static void HeaderIsOneLine(List<string> lines, string cell)
    {
        var header = lines.FindIndex(line => line.Contains(cell, StringComparison.Ordinal));
        Assert.True(header > 0, $"no header with {cell}");
        Assert.StartsWith("├", lines[header + 1], StringComparison.Ordinal);
    }

    /// <summary>The screen without what changes from run to run: ids, times, durations, the machine.</summary>
    private string Stable(string screen)
    {
        screen = screen.Replace(_folder.Path, "<folder>", StringComparison.Ordinal);
        screen = Ids().Replace(screen, "########");
        screen = Clock().Replace(screen, "YYYY-MM-DD hh:mm:ss");
        screen = Timing().Replace(screen, "~");
        return Machine().Replace(screen, m => m.Groups[1].Value + "(this machine)");
    }

    /// <summary>
    /// Trained values as #: a seed gives the same bits on every run of one machine, but a machine with AVX-512 may
    /// take another (still repeatable) convolution path, so the snapshot holds the layout, not the numbers.
    /// </summary>
    private static string Trained(string screen) => Decimal().Replace(screen, m => new string('#', m.Length));

    [GeneratedRegex(@"\b\d+\.\d+\b")]
    private static partial Regex Decimal();

    [GeneratedRegex(@"\b[0-9a-f]{8}(?:[0-9a-f]{24})?\b")]
    private static partial Regex Ids();

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")]
    private static partial Regex Clock();

    [GeneratedRegex(@"\d+(?=ms/step)|(?<=- )\d+(?=s )|\d+\.\d s(?=[:;)]| done)|\b\d+\.\ds\b|(?<=finished in )\d+\.\d s")]
    private static partial Regex Timing();

    [GeneratedRegex(@"^(  (?:machine|runtime|command|git commit) +).*(?:\n {17}\S.*)*$", RegexOptions.Multiline)]
    private static partial Regex Machine();

    [Fact]
    public void Piped_output_keeps_every_column()
    {
        var (code, output, _) = PodiumProcess.Run(_folder.Path, "board", "--store", "store");

        Assert.Equal(0, code);
        Assert.Contains("│ epochs_trained │", output, StringComparison.Ordinal);
        Assert.DoesNotContain("left out", output, StringComparison.Ordinal);
    }

    /// <summary>What podium shows in a terminal of that many columns, with the terminal's control sequences removed.</summary>
    private string InTerminal(int columns, params string[] arguments)
    {
        var podium = "dotnet " + Quote(Path.Combine(AppContext.BaseDirectory, "podium.dll")) + " " + string.Join(' ', arguments.Select(Quote));
        using var script = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("script", ["-qec", $"stty cols {columns} rows 60; {podium}", "/dev/null"])
        {
            WorkingDirectory = _folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        })!;
        var output = script.StandardOutput.ReadToEnd();
        script.WaitForExit();
        Assert.Equal(0, script.ExitCode);
        // Line ends come back as \r\n; a lone \r (a progress bar drawn again) is kept.
        return Controls().Replace(output.Replace("\r\n", "\n", StringComparison.Ordinal), "");
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")]
    private static partial Regex Controls();
}
