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
        return Controls().Replace(output.Replace("\r", "", StringComparison.Ordinal), "");
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")]
    private static partial Regex Controls();
}
