using Podium.Experiments.Specs;
using Xunit;

namespace Podium.Experiments.Tests;

/// <summary>The specs shipped in examples/specs read without error, and the prototype's grid is its twelve configurations.</summary>
public sealed class ExampleSpecTests
{
    private static string Examples([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "examples", "specs"));

    [Fact]
    public void Every_example_spec_reads()
    {
        var files = Directory.GetFiles(Examples(), "*.yaml");

        Assert.Contains(files, f => f.EndsWith("prototype-grid.yaml", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            if (text.Contains("\nmethod:", StringComparison.Ordinal))
            {
                Assert.NotEmpty(SweepSpec.Load(file).Candidates());
            }
            else
            {
                RunFile.Load(file);
            }
        }
    }

    [Fact]
    public void The_prototype_grid_is_twelve_configurations_of_two_models_three_optimizers_and_two_batch_and_epoch_settings()
    {
        var trials = SweepSpec.Load(Path.Combine(Examples(), "prototype-grid.yaml")).Candidates();

        Assert.Equal(12, trials.Count);
        Assert.Equal(12, trials.Select(t => t.Spec.DisplayName).Distinct().Count());
        Assert.Equal(["adagrad", "adam", "sgd"], trials.Select(t => t.Spec.Optimizer).Distinct().Order());
        Assert.Equal([(2, 5), (64, 50)], trials.Select(t => (t.Spec.BatchSize, t.Spec.Epochs)).Distinct().Order());
    }

    [Fact]
    public void Halving_example_plans_nine_then_three_then_one()
    {
        var sweep = SweepSpec.Load(Path.Combine(Examples(), "halving.yaml"));

        Assert.Equal([1, 3, 9], sweep.HalvingEpochs(sweep.Candidates().Count));
    }
}
