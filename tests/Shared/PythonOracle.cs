using System.Diagnostics;
using Xunit;

namespace Podium.Tests;

/// <summary>Runs a script under Debian's Python (which has NumPy, SciPy, PIL and scikit-learn) as an independent oracle: input on stdin, the answer on stdout.</summary>
public static class PythonOracle
{
    public static string Run(string script, string input)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "python oracle failed: " + error.Result);
        return output;
    }
}
