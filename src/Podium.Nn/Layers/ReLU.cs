namespace Podium.Nn.Layers;

/// <summary>max(0, x), elementwise.</summary>
public sealed class ReLU : Module
{
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <inheritdoc/>
    public override string Kind => "re_lu";

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng) => inputShape;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        var output = Reuse(ref _output, input.Batch, OutputShape!);
        var x = input.Data;
        var y = output.Data;
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > 0f ? x[i] : 0f;
        }

        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, gradOutput.Batch, InputShape!);
        var y = _output!.Data;
        var g = gradOutput.Data;
        var dx = gradInput.Data;
        for (var i = 0; i < g.Length; i++)
        {
            dx[i] = y[i] > 0f ? g[i] : 0f;
        }

        return gradInput;
    }
}
