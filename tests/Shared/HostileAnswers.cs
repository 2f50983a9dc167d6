using System.Text.RegularExpressions;

namespace Podium.Tests;

/// <summary>What every answer to hostile input must be: a result, or one clear line that names no .NET internals.</summary>
public static partial class HostileAnswers
{
    /// <summary>Null when <paramref name="message"/> is one clear line; else what is wrong with it.</summary>
    public static string? Problem(string message)
    {
        var text = message.TrimEnd('\n', '\r');
        if (text.Length == 0)
        {
            return "the message is empty";
        }

        if (text.Contains('\n', StringComparison.Ordinal))
        {
            return "the message has more than one line";
        }

        return Internals().Match(text) is { Success: true } found ? $"the message names .NET internals ('{found.Value}')" : null;
    }

    // A stack frame, an exception's type name, or a namespace a user should never see.
    [GeneratedRegex(@"\s+at \w+\.|\w+Exception\b|System\.\w|Microsoft\.\w|SQLite Error|SqliteException|Podium\.\w+\.")]
    private static partial Regex Internals();
}
