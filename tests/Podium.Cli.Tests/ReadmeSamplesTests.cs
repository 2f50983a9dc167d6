using System.Text.RegularExpressions;
using Podium.Tests;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>
/// Every C# block of README.md, taken as written: each becomes a console program of its own that references the
/// libraries, is built, and is run in an empty folder. A sample that stops compiling or running fails here.
/// </summary>
public sealed partial class ReadmeSamplesTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly string[] Libraries = ["Podium.Nn", "Podium.Vision", "Podium.Evaluation", "Podium.Tracking", "Podium.Experiments"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_csharp_block_of_the_readme_builds_and_runs_as_written()
    {
        var blocks = Block().Matches(File.ReadAllText(Path.Combine(SourceTree.Root, "README.md"))).Select(m => m.Groups[1].Value).ToList();
        Assert.True(blocks.Count >= 4, $"found {blocks.Count} C# blocks in README.md");

        // One project per block; the libraries are the ones these tests were built with.
        var references = string.Join("\n", Libraries.Select(l =>
            $"""    <ProjectReference Include="{Path.Combine(SourceTree.Root, "src", l, l + ".csproj")}" />"""));
        for (var i = 0; i < blocks.Count; i++)
        {
            var project = Directory.CreateDirectory(_folder.File($"sample{i + 1}")).FullName;
            File.WriteAllText(Path.Combine(project, "Program.cs"), blocks[i]);
            File.WriteAllText(Path.Combine(project, $"sample{i + 1}.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                {references}
                  </ItemGroup>
                </Project>
                """);
        }

        for (var i = 0; i < blocks.Count; i++)
        {
            // Each project on its own (a solution would build the references in its own configuration, not this one);
            // the libraries are already built, so only the sample compiles.
            PodiumProcess.Dotnet(_folder.File($"sample{i + 1}"), TimeSpan.FromMinutes(5), "build", "-c", Configuration, "--no-dependencies", "-p:TreatWarningsAsErrors=false");
        }

        for (var i = 0; i < blocks.Count; i++)
        {
            var work = Directory.CreateDirectory(_folder.File($"run{i + 1}")).FullName;
            var program = Path.Combine(_folder.File($"sample{i + 1}"), "bin", Configuration, "net10.0", $"sample{i + 1}.dll");
            var output = PodiumProcess.Dotnet(work, TimeSpan.FromMinutes(3), program);
            Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        }

        // What the samples say they do, they did.
        Assert.True(File.Exists(_folder.File("run1/best.safetensors")));
        Assert.StartsWith("epoch,accuracy,learning_rate,loss,val_accuracy,val_loss\r\n", File.ReadAllText(_folder.File("run1/training.csv")), StringComparison.Ordinal);
        Assert.True(File.Exists(_folder.File("run4/leaderboard.html")));
    }

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();
}
