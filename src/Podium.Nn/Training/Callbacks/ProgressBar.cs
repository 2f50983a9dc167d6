using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Podium.Nn.Training.Callbacks;

/// <summary>
/// Training progress as Keras prints it (its ProgbarLogger). On a terminal: "Epoch 2/5", then a bar redrawn after each
/// batch with the batch count, ETA and the epoch's running loss and accuracy, ending as the epoch's summary line.
/// Elsewhere (a pipe, a file, CI): one plain summary line per epoch, as Keras's verbose=2.
/// </summary>
/// <param name="output">Where the progress goes.</param>
/// <param name="terminal">Whether <paramref name="output"/> is a terminal, where the bar can be redrawn in place.</param>
/// <param name="width">
/// The terminal's width in columns: lines are kept within it (the bar narrows, and an epoch's metrics go on to
/// further lines, broken between metrics) instead of wrapping mid-word; null for no limit.
/// </param>
public sealed class ProgressBar(TextWriter output, bool terminal, int? width = null) : Callback
{
    private readonly bool _terminal = terminal;

    /// <summary>
    /// The progress <see cref="FitOptions.Verbose"/> asks for, or null: Keras's verbose 1 (a bar, on a terminal) or 2
    /// (a line per epoch); none when it is 0, when the options already hold a progress bar, or (verbose unset) when
    /// the output is not a terminal.
    /// </summary>
    public static ProgressBar? For(FitOptions options)
    {
        if (options.Callbacks.Any(c => c is ProgressBar))
        {
            return null;
        }

        var toConsole = options.Output is null;
        var terminal = toConsole && !Console.IsOutputRedirected;
        return (options.Verbose ?? (terminal ? 1 : 0)) switch
        {
            0 => null,
            1 => new ProgressBar(options.Output ?? Console.Out, terminal, terminal ? Columns() : null),
            2 => new ProgressBar(options.Output ?? Console.Out, terminal: false),
            var other => throw new ArgumentOutOfRangeException(nameof(options), other, "verbose is 0 (silent), 1 (a progress bar) or 2 (a line per epoch)"),
        };
    }

    /// <summary>The console's width, when it has one.</summary>
    private static int? Columns()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
    private const int BarWidth = 30;
    private readonly Stopwatch _epochClock = new();
    private long _lastDraw;
    private int _epochs;
    private int _batches = 1;
    private bool _barOpen;

    /// <inheritdoc/>
    public override void OnTrainBegin(FitContext context) => _epochs = context.Options.Epochs;

    /// <inheritdoc/>
    public override void OnEpochBegin(FitContext context, int epoch)
    {
        _epochClock.Restart();
        _lastDraw = 0;
        if (_terminal)
        {
            output.WriteLine($"Epoch {epoch}/{_epochs}");
        }
    }

    /// <inheritdoc/>
    public override void OnBatchEnd(FitContext context, int epoch, int batch, int batches)
    {
        // Redraw at most ten times a second; the last batch is drawn by the epoch's end.
        _batches = batches;
        var now = _epochClock.ElapsedMilliseconds;
        if (!_terminal || batch == batches || now - _lastDraw < 100)
        {
            return;
        }

        _lastDraw = now;
        var eta = _epochClock.Elapsed.TotalSeconds / batch * (batches - batch);
        var running = $"{Bar(batch, batches)} - ETA: {Duration(eta)} - loss: {Four(context.RunningLoss)} - accuracy: {Four(context.RunningAccuracy)}";
        output.Write($"\r{(width is { } w && running.Length > w - 1 ? running[..(w - 1)] : running)}\u001b[K");
        output.Flush();
        _barOpen = true;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var seconds = _epochClock.Elapsed.TotalSeconds;
        var steps = _batches;
        var head = _terminal
            ? $"{Bar(steps, steps)} - {Duration(seconds)} {Math.Round(seconds * 1000 / steps).ToString(CultureInfo.InvariantCulture)}ms/step"
            : $"Epoch {epoch}/{_epochs} - {Duration(seconds)}";
        var parts = logs.Select(p => p.Key + ": " + (p.Key == "learning_rate" ? p.Value.ToString("G4", CultureInfo.InvariantCulture) : Four(p.Value)));
        var lines = Lines(head, parts);
        output.WriteLine(_terminal ? "\r" + string.Join("\u001b[K\n", lines) + "\u001b[K" : string.Join('\n', lines));
        _barOpen = false;
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(FitContext context)
    {
        // Training stopped inside an epoch (Ctrl+C, a NaN loss): end the bar's line, so what follows starts on its own.
        if (_barOpen)
        {
            output.WriteLine();
            _barOpen = false;
        }
    }

    /// <summary>
    /// The head and " - "-joined parts as one line; past <c>width</c>, the head alone (its timing then moves no break)
    /// and the parts on lines of their own, each as long as fits, broken only between parts and indented two spaces.
    /// </summary>
    private List<string> Lines(string head, IEnumerable<string> parts)
    {
        var all = parts.ToList();
        var whole = string.Join(" - ", [head, .. all]);
        if (width is not { } w || whole.Length <= w - 1)
        {
            return [whole];
        }

        var lines = new List<string> { head };
        var line = "";
        foreach (var part in all)
        {
            if (line.Length > 0 && line.Length + 3 + part.Length > w - 1)
            {
                lines.Add(line);
                line = "";
            }

            line = line.Length == 0 ? "  " + part : line + " - " + part;
        }

        lines.Add(line);
        return lines;
    }

    private string Bar(int batch, int batches)
    {
        var digits = batches.ToString(CultureInfo.InvariantCulture).Length;
        // Keras's bar is 30 wide; a narrow terminal gets a narrower one, so the running line keeps its loss in view.
        var barWidth = width is { } w ? Math.Clamp(w - 2 * digits - 50, 10, BarWidth) : BarWidth;
        var filled = (int)((long)barWidth * batch / batches);
        var bar = batch == batches
            ? new string('=', barWidth)
            : new string('=', Math.Max(0, filled - 1)) + (filled > 0 ? ">" : "") + new string('.', barWidth - filled);
        return $"{batch.ToString(CultureInfo.InvariantCulture).PadLeft(digits)}/{batches} [{bar}]";
    }

    private static string Four(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Duration(double seconds) => seconds >= 3600
        ? $"{(int)(seconds / 3600)}:{(int)(seconds % 3600 / 60):00}:{(int)(seconds % 60):00}"
        : seconds >= 60 ? $"{(int)(seconds / 60)}:{(int)(seconds % 60):00}" : $"{Math.Round(seconds):0}s";
}
