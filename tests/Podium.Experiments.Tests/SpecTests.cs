using Podium.Experiments.Specs;
using Xunit;

namespace Podium.Experiments.Tests;

/// <summary>Run and sweep specs: YAML and JSON read to the same spec, and every bad field named in one line before anything trains.</summary>
public sealed class SpecTests
{
    private const string RunYaml = """
        experiment: art
        data:
          source: shapes
          count: 300
          size: 24
          augment: {featurewise_center: true, rotation_range: 90}
        model: vgg16
        model_width: 0.25
        optimizer: sgd
        learning_rate: 0.05
        batch_size: 8
        epochs: 7
        fit_mode: early
        patience: 2
        seed: 11
        """;

    [Fact]
    public void A_yaml_run_spec_sets_every_field_it_names_and_keeps_the_defaults_of_the_rest()
    {
        var file = RunFile.Parse(RunYaml);

        Assert.Equal(new RunSpec
        {
            Experiment = "art", Model = "vgg16", ModelWidth = 0.25, Optimizer = "sgd", LearningRate = 0.05, BatchSize = 8, Epochs = 7,
            FitMode = FitMode.EarlyStopping, Patience = 2, Seed = 11,
        }, file.Run);
        Assert.Equal(("shapes", 300, 24, 0.2), (file.Data.Source, file.Data.Count, file.Data.Size, file.Data.ValidationSplit));
        var augment = file.Data.Augmentation()!;
        Assert.True(augment.FeaturewiseCenter);
        Assert.Equal(90, augment.RotationRange);
    }

    [Fact]
    public void The_recorded_json_reads_back_to_the_same_spec()
    {
        var file = RunFile.Parse(RunYaml);

        var again = RunFile.Parse(file.ToJson());

        Assert.Equal(file.Run, again.Run);
        Assert.Equal(file.Data.ToFields().Where(f => f.Key != "augment"), again.Data.ToFields().Where(f => f.Key != "augment"));
        Assert.Equal(file.Data.Augmentation()!.ToJson(), again.Data.Augmentation()!.ToJson());
    }

    [Theory]
    [InlineData("model: lenet", "model: unknown model 'lenet'; the zoo has basic_cnn, vgg16, vgg16_bn, resnet18, alexnet")]
    [InlineData("optimizer: adamw", "optimizer: unknown optimizer 'adamw'; use sgd, adam, adagrad, rmsprop")]
    [InlineData("batch_size: -4", "batch_size: must be a positive whole number, got -4")]
    [InlineData("batch_size: 3.5", "batch_size: expected a whole number, got 3.5")]
    [InlineData("epochs: ten", "epochs: expected a whole number, got 'ten'")]
    [InlineData("fit_mode: sometimes", "fit_mode: 'sometimes' is neither 'nostop' nor 'early'")]
    [InlineData("learning_rat: 0.1", "learning_rat: unknown field; expected one of model, model_width, padding, optimizer, learning_rate, loss, batch_size, epochs, patience, fit_mode, seed, name, experiment")]
    [InlineData("data: {source: folder, path: /no/such/folder}", "data.path: no folder '/no/such/folder'")]
    [InlineData("data: {source: imagenet}", "data.source: unknown source 'imagenet'; use shapes, fashion-mnist, folder")]
    [InlineData("data: {augment: {rotation: 90}}", "data.augment.rotation: unknown field; expected one of featurewise_center, samplewise_center, featurewise_std_normalization, samplewise_std_normalization, zca_whitening, zca_epsilon, rotation_range, width_shift_range, height_shift_range, brightness_range, shear_range, zoom_range, channel_shift_range, fill_mode, cval, horizontal_flip, vertical_flip, rescale")]
    [InlineData("data: {validation_split: 1.5}", "data.validation_split: must be between 0 and 1, got 1.5")]
    [InlineData("model: [basic_cnn", "spec: the spec is not valid YAML or JSON")]
    public void A_bad_field_fails_with_one_line_naming_it(string yaml, string message)
    {
        var error = Assert.Throws<SpecException>(() => RunFile.Parse(yaml));

        Assert.StartsWith(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Json_is_read_like_yaml()
    {
        var file = RunFile.Parse("""{"model": "alexnet", "batch_size": 16, "data": {"source": "shapes", "classes": 3}}""");

        Assert.Equal(("alexnet", 16, 3), (file.Run.Model, file.Run.BatchSize, file.Data.Classes));
    }

    [Fact]
    public void A_missing_spec_file_is_named()
    {
        var error = Assert.Throws<SpecException>(() => RunFile.Load("/no/such/spec.yaml"));

        Assert.Equal("spec: no file '/no/such/spec.yaml'", error.Message);
    }
}
