using Podium.Nn.Losses;
using Xunit;

namespace Podium.Nn.Tests;

public sealed class LossTests
{
    [Fact]
    public void Categorical_crossentropy_worked_by_hand()
    {
        // Two samples: p(true) = 0.7 and 0.2 → loss = −(ln 0.7 + ln 0.2) / 2 = 0.98305…
        var p = new Tensor([0.7f, 0.2f, 0.1f, 0.5f, 0.2f, 0.3f], 2, 3);
        var y = new Tensor([1f, 0f, 0f, 0f, 1f, 0f], 2, 3);
        var grad = new Tensor(2, 3);

        var loss = new CategoricalCrossentropy().Compute(p, y, grad);

        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.2)) / 2, loss, 1e-6);
        Assert.Equal(-1 / 0.7 / 2, grad.Data[0], 1e-5);
        Assert.Equal(0f, grad.Data[1]);
    }

    [Fact]
    public void Fused_softmax_gradient_is_p_minus_y_over_batch()
    {
        var p = new Tensor([0.7f, 0.2f, 0.1f, 0.5f, 0.2f, 0.3f], 2, 3);
        var y = new Tensor([1f, 0f, 0f, 0f, 1f, 0f], 2, 3);
        var grad = new Tensor(2, 3);

        var loss = new CategoricalCrossentropy().ComputeFromSoftmax(p, y, grad);

        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.2)) / 2, loss, 1e-6);
        Assert.Equal([-0.15f, 0.1f, 0.05f, 0.25f, -0.4f, 0.15f], grad.Data.Select(v => MathF.Round(v, 6)));
    }

    [Fact]
    public void Probabilities_are_clipped_so_a_zero_gives_a_finite_loss()
    {
        var p = new Tensor([0f, 1f], 1, 2);
        var y = new Tensor([1f, 0f], 1, 2);

        var loss = new CategoricalCrossentropy().Compute(p, y, new Tensor(1, 2));

        Assert.Equal(-Math.Log(1e-7), loss, 1e-3);
    }

    [Fact]
    public void Sparse_targets_give_the_same_loss_as_one_hot()
    {
        var p = new Tensor([0.7f, 0.2f, 0.1f, 0.5f, 0.2f, 0.3f], 2, 3);

        var sparse = new SparseCategoricalCrossentropy().Compute(p, new Tensor([0f, 1f], 2), new Tensor(2, 3));
        var dense = new CategoricalCrossentropy().Compute(p, new Tensor([1f, 0f, 0f, 0f, 1f, 0f], 2, 3), new Tensor(2, 3));

        Assert.Equal(dense, sparse, 1e-12);
    }

    [Fact]
    public void Mean_squared_error_worked_by_hand()
    {
        var grad = new Tensor(2, 2);

        var loss = new MeanSquaredError().Compute(new Tensor([1f, 2f, 3f, 4f], 2, 2), new Tensor([1f, 0f, 3f, 5f], 2, 2), grad);

        Assert.Equal((0 + 4 + 0 + 1) / 4.0, loss, 1e-12);
        Assert.Equal([0f, 1f, 0f, -0.5f], grad.Data);
    }

    [Fact]
    public void Unknown_loss_name_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => Loss.FromName("hinge"));

        Assert.Contains("'hinge'", error.Message, StringComparison.Ordinal);
    }
}
