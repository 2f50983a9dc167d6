using Podium.Nn.Optimizers;
using Xunit;

namespace Podium.Nn.Tests.Optimizers;

/// <summary>Update rules against steps worked by hand from Keras's formulas.</summary>
public sealed class OptimizerTests
{
    private static Parameter Param(float value)
    {
        var layer = new Podium.Nn.Layers.Dense(1);
        layer.Build([1], new Rng(0));
        var p = layer.Parameters[0];
        p.Value.Data[0] = value;
        return p;
    }

    private static float[] Steps(Optimizer optimizer, float start, Func<float, float> gradient, int steps)
    {
        var p = Param(start);
        var values = new float[steps];
        for (var s = 0; s < steps; s++)
        {
            p.Grad.Data[0] = gradient(p.Value.Data[0]);
            optimizer.Step([p]);
            values[s] = p.Value.Data[0];
        }

        return values;
    }

    [Fact]
    public void Sgd_plain_step() => Assert.Equal(0.95f, Steps(new Sgd(0.1), 1f, _ => 0.5f, 1)[0], 6);

    [Fact]
    public void Sgd_momentum_two_steps()
    {
        // v1 = −0.05 → w 0.95; v2 = 0.9·(−0.05) − 0.05 = −0.095 → w 0.855
        var w = Steps(new Sgd(0.1, momentum: 0.9), 1f, _ => 0.5f, 2);

        Assert.Equal(0.95f, w[0], 6);
        Assert.Equal(0.855f, w[1], 6);
    }

    [Fact]
    public void Sgd_nesterov_two_steps()
    {
        // w += m·v − lr·g: 1 + (−0.045 − 0.05) = 0.905; then 0.905 + (0.9·(−0.095) − 0.05) = 0.7695
        var w = Steps(new Sgd(0.1, momentum: 0.9, nesterov: true), 1f, _ => 0.5f, 2);

        Assert.Equal(0.905f, w[0], 6);
        Assert.Equal(0.7695f, w[1], 5);
    }

    [Fact]
    public void Adam_first_step_as_keras()
    {
        // m = 0.05, v = 0.00025, α = 0.001·√0.001/0.1 = 3.16228e-4; Δ = 0.05·α/(0.0158114 + 1e-7) = 9.99994e-4
        var w = Steps(new Adam(), 1f, _ => 0.5f, 1);

        Assert.Equal(1 - 9.99994e-4, w[0], 6);
    }

    [Fact]
    public void Adam_moves_about_lr_per_step_for_a_constant_gradient()
    {
        var w = Steps(new Adam(0.01), 0f, _ => -2f, 10);

        Assert.Equal(0.1f, w[^1], 3);
    }

    [Fact]
    public void RmsProp_matches_the_keras_documentation_example()
    {
        // keras.optimizers.RMSprop(learning_rate=0.1) on loss var²/2 from 10.0 gives 9.683772.
        Assert.Equal(9.683772f, Steps(new RmsProp(0.1), 10f, v => v, 1)[0], 5);
    }

    [Fact]
    public void Adagrad_first_step_as_keras()
    {
        // accumulator 0.1 + 0.25 = 0.35; w = 1 − 0.1·0.5/√(0.35 + 1e-7) = 1 − 0.0845154 = 0.9154846
        Assert.Equal(0.9154846f, Steps(new Adagrad(0.1), 1f, _ => 0.5f, 1)[0], 6);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("nesterov")]
    [InlineData("adam")]
    [InlineData("adagrad")]
    [InlineData("rmsprop")]
    [InlineData("adam with weight decay")]
    public void A_long_parameter_steps_exactly_as_its_elements_one_at_a_time(string rule)
    {
        // Three chunks on the workers, whole vectors and a ragged tail, against one-element parameters, whose steps the
        // hand-worked cases above check.
        const int Length = 3 * (1 << 14) + 5;
        const int Steps = 3;
        Optimizer Make() => rule switch
        {
            "sgd" => new Sgd(0.1),
            "momentum" => new Sgd(0.1, momentum: 0.9),
            "nesterov" => new Sgd(0.1, momentum: 0.9, nesterov: true),
            "adam" => new Adam(0.01),
            "adagrad" => new Adagrad(0.1),
            "rmsprop" => new RmsProp(0.01),
            _ => new Adam(0.01) { WeightDecay = 0.05 },
        };

        var layer = new Podium.Nn.Layers.Dense(Length);
        layer.Build([1], new Rng(0));
        var p = layer.Parameters[0];
        var rng = new Rng(3);
        var start = p.Value.Data.ToArray();
        var gradients = Enumerable.Range(0, Steps).Select(_ => Enumerable.Range(0, Length).Select(_ => rng.NextFloat() * 4 - 2).ToArray()).ToArray();
        var optimizer = Make();
        foreach (var gradient in gradients)
        {
            gradient.CopyTo(p.Grad.Data, 0);
            optimizer.Step([p]);
        }

        foreach (var i in Enumerable.Range(0, 40).Concat(Enumerable.Range(0, Length / 97).Select(n => n * 97)).Concat(Enumerable.Range(Length - 20, 20)))
        {
            var single = Param(start[i]);
            var one = Make();
            foreach (var gradient in gradients)
            {
                single.Grad.Data[0] = gradient[i];
                one.Step([single]);
            }

            Assert.True(single.Value.Data[0] == p.Value.Data[i], $"{rule} element {i}: {p.Value.Data[i]:R} in the long parameter, {single.Value.Data[0]:R} alone");
        }
    }

    [Fact]
    public void Weight_decay_shrinks_before_the_update()
    {
        // w = 1 − 0.1·0.5·1 = 0.95, then − 0.1·0 = 0.95
        Assert.Equal(0.95f, Steps(new Sgd(0.1) { WeightDecay = 0.5 }, 1f, _ => 0f, 1)[0], 6);
    }

    [Fact]
    public void Frozen_parameters_do_not_move()
    {
        var p = Param(1f);
        p.Trainable = false;
        p.Grad.Data[0] = 1f;

        new Adam(0.1).Step([p]);

        Assert.Equal(1f, p.Value.Data[0]);
    }

    [Fact]
    public void Keras_defaults_by_name()
    {
        Assert.Equal(0.01, Optimizer.FromName("sgd").LearningRate);
        Assert.Equal(0.001, Optimizer.FromName("adam").LearningRate);
        Assert.Equal(1e-7, ((Adam)Optimizer.FromName("adam")).Epsilon);
        Assert.Throws<ArgumentException>(() => Optimizer.FromName("adamw2"));
    }
}
