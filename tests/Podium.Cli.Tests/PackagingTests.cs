using System.Diagnostics;
using System.Reflection;
using Podium.Tests;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>
/// The packages as a user meets them: dotnet pack into one folder, the podium tool installed from it into another, and
/// used from a third; and a new console project that references Podium.Tracking from the packed folder.
/// </summary>
public sealed class PackagingTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly TempFolder _folder = new();

    // A version of this test's own, so NuGet's caches never hand back packages packed by an earlier run.
    private readonly string _version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public void Dispose()
    {
        _folder.Dispose();
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var package in new[] { "podium.tracking", "podium.cli" })
        {
            var folder = Path.Combine(cache, package, _version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task The_packed_tool_installs_and_runs_from_any_folder_and_a_new_project_logs_a_run_through_the_packed_library()
    {
        // Given every package packed into one folder
        var packages = Directory.CreateDirectory(_folder.File("packages")).FullName;
        Dotnet(Repository, "pack", "Podium.slnx", "-c", Configuration, "--no-build", "-o", packages, $"-p:PackageVersion={_version}");
        Assert.Equal(
            ["Podium.Cli", "Podium.Evaluation", "Podium.Experiments", "Podium.Nn", "Podium.Tracking", "Podium.Vision"],
            Directory.GetFiles(packages, "*.nupkg").Select(p => Path.GetFileName(p)[..^($"{_version}.nupkg".Length + 1)]).Order(StringComparer.Ordinal));

        // When the tool is installed into a second folder and run from a third
        var tools = _folder.File("tools");
        Dotnet(_folder.Path, "tool", "install", "Podium.Cli", "--tool-path", tools, "--add-source", packages, "--version", _version);
        var podium = Path.Combine(tools, OperatingSystem.IsWindows() ? "podium.exe" : "podium");
        var work = Directory.CreateDirectory(_folder.File("work")).FullName;
        var version = PodiumProcess.RunInstalled(podium, work, "--version");
        var example = PodiumProcess.RunInstalled(podium, work, "example", "--store", "store");
        var board = PodiumProcess.RunInstalled(podium, work, "board", "--store", "store", "--format", "csv");

        // Then it answers as the podium built here does, and ranks the example runs
        Assert.Equal(0, version.ExitCode);
        Assert.Equal(typeof(PodiumCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion, version.Out.Trim());
        Assert.True(example.ExitCode == 0, example.Err);
        Assert.True(board.ExitCode == 0, board.Err);
        Assert.Equal(13, board.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("rank,", board.Out, StringComparison.Ordinal);

        // And its serve has the web UI inside: the page and a library built in from npm
        using (PodiumProcess.ServeInstalled(podium, work, out var url, "--store", "store", "--port", "0"))
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            var page = await client.GetAsync("/");
            var library = await client.GetAsync("/ui/plotly.min.js");
            Assert.True(page.IsSuccessStatusCode, $"GET / answered {page.StatusCode}");
            Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            Assert.True(library.IsSuccessStatusCode, $"GET /ui/plotly.min.js answered {library.StatusCode}");
        }

        // When a new console project references Podium.Tracking from the packed folder and logs a run
        var app = Directory.CreateDirectory(_folder.File("app")).FullName;
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup><PackageReference Include="Podium.Tracking" Version="{_version}" /></ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><add key="podium" value="{packages}" /></packageSources></configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Podium.Tracking;

            using var tracker = Tracker.Open(args[0]);
            using var run = tracker.StartRun("packaged", name: "from-a-package", seed: 7);
            run.LogParam("optimizer", "adam");
            run.LogMetric("val_accuracy", 0.5, step: 1);
            run.LogMetric("val_accuracy", 0.75, step: 2);
            run.End(RunStatus.Finished);
            Console.WriteLine(run.Id);
            """);
        var runId = Dotnet(app, "run", "-c", "Release", "--", Path.Combine(work, "tracked")).Trim().Split('\n')[^1].Trim();

        // Then the installed tool reads that run from the store it wrote
        var shown = PodiumProcess.RunInstalled(podium, work, "show", runId, "--store", "tracked");
        Assert.True(shown.ExitCode == 0, shown.Err);
        Assert.Contains("from-a-package", shown.Out, StringComparison.Ordinal);
        Assert.Contains("0.75", shown.Out, StringComparison.Ordinal);
        Assert.Contains("adam", shown.Out, StringComparison.Ordinal);
    }

    private static string Repository => SourceTree.Root;

    private static string Dotnet(string workingDirectory, params string[] arguments) => PodiumProcess.Dotnet(workingDirectory, TimeSpan.FromMinutes(5), arguments);
}
