using System.Runtime.InteropServices;

namespace Podium.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM as a cancellation: training stops at the next batch boundary and the run is marked
/// killed, keeping its finished epochs. A second Ctrl+C ends the process at once.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _terminate;
    private readonly TextWriter _error;

    public Interrupts(TextWriter error)
    {
        _error = error;
        Console.CancelKeyPress += OnCancelKeyPress;
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _source.Cancel();
        });
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _terminate.Dispose();
        _source.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested)
        {
            return; // The second Ctrl+C ends the process.
        }

        e.Cancel = true;
        _error.WriteLine();
        _error.WriteLine("podium: interrupted; stopping at the end of this batch (Ctrl+C again to quit at once)");
        _source.Cancel();
    }
}
