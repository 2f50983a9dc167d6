using System.Globalization;

namespace Podium.Nn.Training.Callbacks;

/// <summary>
/// Writes each epoch's logs to a CSV file, as Keras's CSVLogger does: a header <c>epoch,KEY,…</c> (keys sorted) and
/// one row per epoch, epochs counted from 0, numbers in round-trip form. With <paramref name="append"/>, a file that
/// already has rows is continued without a second header (a resumed training).
/// </summary>
/// <param name="path">The CSV file.</param>
/// <param name="separator">The field separator.</param>
/// <param name="append">Continue an existing file instead of replacing it.</param>
public sealed class CsvLogger(string path, char separator = ',', bool append = false) : Callback
{
    private StreamWriter? _writer;
    private string[]? _keys;

    /// <inheritdoc/>
    public override void OnTrainBegin(FitContext context)
    {
        var continuing = append && File.Exists(path) && new FileInfo(path).Length > 0;
        _writer = new StreamWriter(path, append) { NewLine = "\r\n" };
        _keys = null;
        if (continuing)
        {
            // The header is already there; its keys order the rows.
            _keys = File.ReadLines(path).First().Split(separator).Skip(1).ToArray();
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(FitContext context, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (_writer is null)
        {
            return;
        }

        if (_keys is null)
        {
            _keys = logs.Keys.Order(StringComparer.Ordinal).ToArray();
            _writer.WriteLine(string.Join(separator, ["epoch", .. _keys]));
        }

        var cells = _keys.Select(k => logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA");
        _writer.WriteLine(string.Join(separator, [(epoch - 1).ToString(CultureInfo.InvariantCulture), .. cells]));
        _writer.Flush();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(FitContext context)
    {
        _writer?.Dispose();
        _writer = null;
    }
}
