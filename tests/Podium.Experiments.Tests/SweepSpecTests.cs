using Podium.Experiments.Specs;
using Xunit;

namespace Podium.Experiments.Tests;

/// <summary>Sweep specs: the grid's combinations, random draws, mapping values, successive halving's rounds, and bad fields.</summary>
public sealed class SweepSpecTests
{
    [Fact]
    public void A_grid_is_every_combination_with_the_first_parameter_slowest()
    {
        var sweep = SweepSpec.Parse("""
            epochs: 3
            parameters:
              optimizer: [adam, sgd]
              batch_size: {values: [16, 32, 64]}
            """);

        var trials = sweep.Candidates();

        Assert.Equal(
            ["adam/16", "adam/32", "adam/64", "sgd/16", "sgd/32", "sgd/64"],
            trials.Select(t => $"{t.Spec.Optimizer}/{t.Spec.BatchSize}"));
        Assert.All(trials, t => Assert.Equal(3, t.Spec.Epochs));
        Assert.Equal(Enumerable.Range(0, 6), trials.Select(t => t.Index));
    }

    [Fact]
    public void A_value_that_is_a_mapping_sets_its_fields_together()
    {
        var sweep = SweepSpec.Parse("""
            parameters:
              network:
                values:
                  - {model: basic_cnn}
                  - {model: vgg16, model_width: 0.25}
              optimizer: {value: adagrad}
            """);

        Assert.Equal(["basic_cnn 1 adagrad", "vgg16 0.25 adagrad"], sweep.Candidates().Select(t => $"{t.Spec.Model} {t.Spec.ModelWidth} {t.Spec.Optimizer}"));
    }

    [Fact]
    public void Random_draws_stay_in_their_ranges_and_trial_i_is_the_same_however_many_trials_there_are()
    {
        const string Yaml = """
            method: random
            parameters:
              learning_rate: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
              model_width: {distribution: uniform, min: 0.25, max: 0.5}
              epochs: {distribution: int_uniform, min: 2, max: 4}
              optimizer: [adam, sgd, rmsprop]
            """;
        var few = SweepSpec.Parse(Yaml, trials: 5).Candidates();
        var many = SweepSpec.Parse(Yaml, trials: 400).Candidates();

        Assert.Equal(few, many.Take(5));
        Assert.All(many, t =>
        {
            Assert.InRange(t.Spec.LearningRate!.Value, 0.0001, 0.1);
            Assert.InRange(t.Spec.ModelWidth, 0.25, 0.5);
            Assert.InRange(t.Spec.Epochs, 2, 4);
        });
        Assert.Equal([2, 3, 4], many.Select(t => t.Spec.Epochs).Distinct().Order());
        Assert.Equal(3, many.Select(t => t.Spec.Optimizer).Distinct().Count());
        // Log-uniform: about half the draws fall below the geometric middle, 10^-2.5.
        var below = many.Count(t => t.Spec.LearningRate < Math.Pow(10, -2.5));
        Assert.InRange(below, 160, 240);
        // The number of trials is not part of the sweep's identity, so a sweep can be extended and resumed.
        Assert.Equal(SweepSpec.Parse(Yaml, trials: 5).Key, SweepSpec.Parse(Yaml, trials: 400).Key);
    }

    [Theory]
    // scikit-learn's HalvingGridSearchCV plan with epochs as the resource (factor 3, min 1):
    // rounds = min(1 + floor(log3(max/min)), 1 + floor(log3(candidates))); round r gets min·3^r epochs.
    [InlineData(12, 9, 3, 1, new[] { 1, 3, 9 })]
    [InlineData(5, 27, 3, 1, new[] { 1, 3 })]
    [InlineData(27, 4, 3, 1, new[] { 1, 3 })]
    [InlineData(4, 4, 2, 1, new[] { 1, 2, 4 })]
    [InlineData(8, 20, 2, 2, new[] { 2, 4, 8, 16 })]
    public void Halving_rounds_follow_scikit_learns_plan(int candidates, int epochs, int factor, int minEpochs, int[] expected)
    {
        var sweep = SweepSpec.Parse($$"""
            method: halving
            epochs: {{epochs}}
            halving: {factor: {{factor}}, min_epochs: {{minEpochs}}}
            parameters:
              seed: {values: [1, 2]}
            """);

        Assert.Equal(expected, sweep.HalvingEpochs(candidates));
    }

    [Theory]
    [InlineData("method: bayes\nparameters: {seed: [1]}", "method: unknown method 'bayes'; use grid, random or halving")]
    [InlineData("parameters: {}", "parameters: a sweep needs at least one parameter that varies")]
    [InlineData("parameters: {optimizer: [adam, nadam]}", "optimizer: unknown optimizer 'nadam'")]
    [InlineData("parameters: {lr: [0.1]}", "parameters.lr: unknown field; expected one of model,")]
    [InlineData("parameters: {learning_rate: {distribution: normal, min: 0, max: 1}}", "parameters.learning_rate.distribution: unknown distribution 'normal'")]
    [InlineData("parameters: {learning_rate: {distribution: uniform, min: 0.1, max: 0.2}}", "parameters.learning_rate: a uniform distribution needs random trials")]
    [InlineData("method: random\nparameters: {seed: [1]}", "trials: random search needs a number of trials")]
    [InlineData("parameters: {batch_size: {values: [16, -1]}}", "batch_size: must be a positive whole number, got -1")]
    [InlineData("metric: {name: val_loss, goal: lower}\nparameters: {seed: [1]}", "metric.goal: 'lower' is neither maximize nor minimize")]
    public void A_bad_sweep_fails_before_any_trial_naming_the_field(string yaml, string message)
    {
        var error = Assert.Throws<SpecException>(() => SweepSpec.Parse(yaml));

        Assert.StartsWith(message, error.Message);
    }
}
