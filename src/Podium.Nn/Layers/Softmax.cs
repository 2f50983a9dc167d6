namespace Podium.Nn.Layers;

/// <summary>Softmax over the last dimension, computed stably (max subtracted).</summary>
public sealed class Softmax : Module
{
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <inheritdoc/>
    public override string Kind => "softmax";

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng)
    {
        if (inputShape.Length != 1)
        {
            throw new ArgumentException($"layer {Name} expects flat (classes) input, got {Tensor.Format(inputShape)}");
        }

        return inputShape;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        var output = Reuse(ref _output, input.Batch, OutputShape!);
        var classes = OutputShape![0];
        for (var n = 0; n < input.Batch; n++)
        {
            var x = input.Data.AsSpan(n * classes, classes);
            var y = output.Data.AsSpan(n * classes, classes);
            var max = float.NegativeInfinity;
            foreach (var v in x)
            {
                max = MathF.Max(max, v);
            }

            var sum = 0.0;
            for (var i = 0; i < classes; i++)
            {
                y[i] = MathF.Exp(x[i] - max);
                sum += y[i];
            }

            var scale = (float)(1 / sum);
            for (var i = 0; i < classes; i++)
            {
                y[i] *= scale;
            }
        }

        return output;
    }

    /// <summary>dx = y ⊙ (g − ⟨g, y⟩), the softmax Jacobian applied to g.</summary>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, gradOutput.Batch, InputShape!);
        var classes = OutputShape![0];
        for (var n = 0; n < gradOutput.Batch; n++)
        {
            var y = _output!.Data.AsSpan(n * classes, classes);
            var g = gradOutput.Data.AsSpan(n * classes, classes);
            var dx = gradInput.Data.AsSpan(n * classes, classes);
            var dot = 0.0;
            for (var i = 0; i < classes; i++)
            {
                dot += g[i] * y[i];
            }

            for (var i = 0; i < classes; i++)
            {
                dx[i] = y[i] * (g[i] - (float)dot);
            }
        }

        return gradInput;
    }
}
