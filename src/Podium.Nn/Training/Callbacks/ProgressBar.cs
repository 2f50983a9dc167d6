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
public sealed class ProgressBar(TextWriter output, bool terminal) : Callback
{
    private readonly bool _terminal = terminal;
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
        output.Write($"\r{Bar(batch, batches)} - ETA: {Duration(eta)} - loss: {Four(context.RunningLoss)} - accuracy: {Four(context.RunningAccuracy)}\u001b[K");
        output.Flush();
        _barOpen = true;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var seconds = _epochClock.Elapsed.TotalSeconds;
        var line = new StringBuilder();
        if (_terminal)
        {
            var steps = _batches;
            line.Append('\r').Append(Bar(steps, steps)).Append(" - ").Append(Duration(seconds)).Append(' ')
                .Append(Math.Round(seconds * 1000 / steps).ToString(CultureInfo.InvariantCulture)).Append("ms/step");
        }
        else
        {
            line.Append($"Epoch {epoch}/{_epochs} - {Duration(seconds)}");
        }

        foreach (var (key, value) in logs)
        {
            line.Append(" - ").Append(key).Append(": ").Append(key == "learning_rate" ? value.ToString("G4", CultureInfo.InvariantCulture) : Four(value));
        }

        output.WriteLine(_terminal ? line + "\u001b[K" : line.ToString());
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

    private static string Bar(int batch, int batches)
    {
        var width = batches.ToString(CultureInfo.InvariantCulture).Length;
        var filled = (int)((long)BarWidth * batch / batches);
        var bar = batch == batches
            ? new string('=', BarWidth)
            : new string('=', Math.Max(0, filled - 1)) + (filled > 0 ? ">" : "") + new string('.', BarWidth - filled);
        return $"{batch.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{batches} [{bar}]";
    }

    private static string Four(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Duration(double seconds) => seconds >= 3600
        ? $"{(int)(seconds / 3600)}:{(int)(seconds % 3600 / 60):00}:{(int)(seconds % 60):00}"
        : seconds >= 60 ? $"{(int)(seconds / 60)}:{(int)(seconds % 60):00}" : $"{Math.Round(seconds):0}s";
}
