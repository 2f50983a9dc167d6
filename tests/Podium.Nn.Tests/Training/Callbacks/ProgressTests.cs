using System.Globalization;
using System.Text.RegularExpressions;
using Podium.Nn.Training;
using Podium.Nn.Training.Callbacks;
using Podium.Tests;
using Xunit;

namespace Podium.Nn.Tests.Training.Callbacks;

/// <summary>Keras's verbose levels, its CSVLogger, and a progress bar that stays within a terminal's width.</summary>
public sealed partial class ProgressTests
{
    private static (Tensor X, Tensor Y) Data() => SyntheticData.Quadrants(64, 1);

    [Fact]
    public void Verbose_2_writes_one_line_per_epoch_with_every_log()
    {
        var (x, y) = Data();
        using var output = new StringWriter();

        var history = SequentialTests.SmallCnn(seed: 1).Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 16, Validation = (x, y), Verbose = 2, Output = output });

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        for (var e = 0; e < 3; e++)
        {
            Assert.StartsWith($"Epoch {e + 1}/3 - ", lines[e], StringComparison.Ordinal);
            Assert.Contains($"val_loss: {history.Values["val_loss"][e].ToString("0.0000", CultureInfo.InvariantCulture)}", lines[e], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Verbose_0_and_an_unset_verbose_off_a_terminal_write_nothing()
    {
        var (x, y) = Data();
        using var silent = new StringWriter();
        using var unset = new StringWriter();

        SequentialTests.SmallCnn(seed: 1).Fit(x, y, new FitOptions { Epochs = 1, BatchSize = 16, Verbose = 0, Output = silent });
        SequentialTests.SmallCnn(seed: 1).Fit(x, y, new FitOptions { Epochs = 1, BatchSize = 16, Output = unset });

        Assert.Equal("", silent.ToString());
        Assert.Equal("", unset.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => SequentialTests.SmallCnn(seed: 1).Fit(x, y, new FitOptions { Verbose = 3, Output = silent }));
    }

    [Fact]
    public void Csv_logger_writes_the_history_as_keras_does()
    {
        var (x, y) = Data();
        using var folder = new TempFolder();
        var path = folder.File("log.csv");

        var history = SequentialTests.SmallCnn(seed: 1).Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 16, Validation = (x, y), Callbacks = [new CsvLogger(path)] });

        var lines = File.ReadAllText(path).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var keys = history.Values.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal("epoch," + string.Join(',', keys), lines[0]);
        Assert.Equal(4, lines.Length);
        for (var e = 0; e < 3; e++)
        {
            var cells = lines[e + 1].Split(',');
            Assert.Equal(e.ToString(CultureInfo.InvariantCulture), cells[0]);
            for (var k = 0; k < keys.Length; k++)
            {
                Assert.Equal(history.Values[keys[k]][e], double.Parse(cells[k + 1], CultureInfo.InvariantCulture));
            }
        }

        // Appending continues the file under its one header, epochs counted from 0 again as Keras does.
        SequentialTests.SmallCnn(seed: 2).Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 16, Validation = (x, y), Callbacks = [new CsvLogger(path, append: true)] });
        var appended = File.ReadAllText(path).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, appended.Length);
        Assert.Single(appended, l => l.StartsWith("epoch,", StringComparison.Ordinal));
        Assert.StartsWith("1,", appended[5], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(80)]
    [InlineData(120)]
    public void A_terminal_bar_keeps_every_line_within_the_width(int width)
    {
        var (x, y) = Data();
        using var output = new StringWriter();

        SequentialTests.SmallCnn(seed: 1).Fit(x, y, new FitOptions
        {
            Epochs = 2, BatchSize = 4, Validation = (x, y), Callbacks = [new ProgressBar(output, terminal: true, width), new SlowBatches()],
        });

        // What the terminal shows: each \r starts the line again, escape codes take no room.
        var shown = Escape().Replace(output.ToString(), "").Split('\n').SelectMany(l => l.Split('\r')).ToList();
        Assert.All(shown, line => Assert.True(line.Length < width, $"{line.Length} columns: {line}"));
        Assert.Contains(shown, l => l.Contains("val_accuracy: ", StringComparison.Ordinal));
        Assert.Contains(shown, l => l.Contains("ETA: ", StringComparison.Ordinal));
    }

    /// <summary>Batches slow enough that the bar is drawn between them (it redraws at most every 100 ms).</summary>
    private sealed class SlowBatches : Callback
    {
        public override void OnBatchEnd(FitContext context, int epoch, int batch, int batches) => Thread.Sleep(batch == 2 ? 120 : 0);
    }

    [GeneratedRegex(@"\u001b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Escape();
}
