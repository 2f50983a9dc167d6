namespace Podium.Cli;

/// <summary>Bad input on the command line: shown as one line, exit code 2.</summary>
internal sealed class CliError(string message) : Exception(message);
