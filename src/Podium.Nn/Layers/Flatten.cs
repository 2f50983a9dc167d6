namespace Podium.Nn.Layers;

/// <summary>Flattens (batch, c, h, w) to (batch, c·h·w) without copying; NCHW order, so channel-major.</summary>
public sealed class Flatten : Module
{
    /// <inheritdoc/>
    public override string Kind => "flatten";

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng) => [Tensor.Count(inputShape)];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        return input.Reshape(input.Batch, OutputShape![0]);
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput) => gradOutput.Reshape([gradOutput.Batch, .. InputShape!]);
}
