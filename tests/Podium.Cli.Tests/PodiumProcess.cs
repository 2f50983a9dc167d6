using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Podium.Cli.Tests;

/// <summary>Runs the real podium command as a child process.</summary>
public static partial class PodiumProcess
{
    /// <summary>
    /// Runs the dotnet CLI (or a program under it) outside any store setting of the tests' own environment and returns
    /// its standard output; fails the test with both outputs when it exits non-zero, and kills it past <paramref name="limit"/>.
    /// </summary>
    public static string Dotnet(string workingDirectory, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("PODIUM_TRACKING_URI");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in {limit}");
        }

        Xunit.Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}\n{error.Result}");
        return output;
    }

    public static (int ExitCode, string Out, string Err) Run(string workingDirectory, params string[] arguments) =>
        RunWith(workingDirectory, new Dictionary<string, string>(), arguments);

    /// <summary>Runs podium with environment variables set (PODIUM_TRACKING_URI, PODIUM_TRACKING_TOKEN).</summary>
    public static (int ExitCode, string Out, string Err) RunWith(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunProgram(null, workingDirectory, environment, arguments);

    /// <summary>Runs an installed podium (the .NET tool's command), not the one built beside the tests.</summary>
    public static (int ExitCode, string Out, string Err) RunInstalled(string podium, string workingDirectory, params string[] arguments) =>
        RunProgram(podium, workingDirectory, new Dictionary<string, string>(), arguments);

    private static (int ExitCode, string Out, string Err) RunProgram(string? program, string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        using var process = Start(workingDirectory, arguments, environment, program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("podium " + string.Join(' ', arguments) + " did not finish in 120 s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts podium without waiting, collecting its output as it comes (so a full pipe never stalls it).</summary>
    public static Background StartInBackground(string workingDirectory, params string[] arguments) =>
        StartInBackground(workingDirectory, new Dictionary<string, string>(), arguments);

    /// <summary>Starts podium without waiting, with environment variables set.</summary>
    public static Background StartInBackground(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        StartProgram(null, workingDirectory, environment, arguments);

    private static Background StartProgram(string? program, string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        var process = Start(workingDirectory, arguments, environment, program);
        var background = new Background(process);
        process.OutputDataReceived += (_, e) => background.Add(e.Data);
        process.ErrorDataReceived += (_, e) => background.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return background;
    }

    /// <summary>Starts podium serve with its arguments and waits until it says where it listens.</summary>
    public static Background Serve(string workingDirectory, out string url, params string[] arguments) =>
        ServeWith(null, workingDirectory, out url, arguments);

    /// <summary>Starts an installed podium's serve (the .NET tool's command) and waits until it says where it listens.</summary>
    public static Background ServeInstalled(string podium, string workingDirectory, out string url, params string[] arguments) =>
        ServeWith(podium, workingDirectory, out url, arguments);

    private static Background ServeWith(string? program, string workingDirectory, out string url, string[] arguments)
    {
        var podium = StartProgram(program, workingDirectory, new Dictionary<string, string>(), ["serve", .. arguments]);
        var clock = Stopwatch.StartNew();
        Match listening;
        while (!(listening = Listening().Match(podium.Output)).Success)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30) || podium.Process.HasExited)
            {
                podium.Dispose();
                throw new TimeoutException("podium serve did not start: " + podium.Output);
            }

            Thread.Sleep(100);
        }

        url = listening.Groups[1].Value;
        return podium;
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    /// <summary>Starts podium (the build beside the tests, or <paramref name="program"/>) without waiting, its output redirected.</summary>
    private static Process Start(string workingDirectory, string[] arguments, IReadOnlyDictionary<string, string>? environment = null, string? program = null)
    {
        var start = new ProcessStartInfo(program ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (program is null)
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "podium.dll"));
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("PODIUM_TRACKING_URI");
        start.Environment.Remove("PODIUM_TRACKING_TOKEN");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>A podium process running in the background, and everything it has printed so far.</summary>
    public sealed class Background(Process process) : IDisposable
    {
        private readonly System.Text.StringBuilder _output = new();

        public Process Process { get; } = process;

        /// <summary>Standard output and error, interleaved as they arrived.</summary>
        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        internal void Add(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }

        /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
        public void Interrupt()
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
            kill.WaitForExit();
        }

        /// <summary>Waits for the exit and returns its code; kills the process after a minute.</summary>
        public int WaitForExit()
        {
            if (!Process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                Process.Kill(entireProcessTree: true);
                throw new TimeoutException("podium did not stop within 60 s of SIGINT: " + Output);
            }

            Process.WaitForExit(); // Flushes the asynchronous output readers.
            return Process.ExitCode;
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }
    }
}
