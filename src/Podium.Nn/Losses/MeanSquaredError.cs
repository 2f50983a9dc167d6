namespace Podium.Nn.Losses;

/// <summary>Mean of squared differences over every output value, as Keras (mean over features, then over the batch).</summary>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean_squared_error";

    /// <inheritdoc/>
    public override double Compute(Tensor output, Tensor target, Tensor grad)
    {
        if (output.Length != target.Length)
        {
            throw new ArgumentException($"{Name}: targets {Tensor.Format(target.Shape)} do not match outputs {Tensor.Format(output.Shape)}");
        }

        var total = 0.0;
        var n = output.Length;
        for (var i = 0; i < n; i++)
        {
            var d = output.Data[i] - target.Data[i];
            total += (double)d * d;
            grad.Data[i] = 2f * d / n;
        }

        return total / n;
    }
}
