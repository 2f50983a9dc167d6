namespace Podium.Nn.Layers;

/// <summary>The mean of each channel over height and width: (batch, c, h, w) → (batch, c).</summary>
public sealed class GlobalAveragePool2D : Module
{
    private int _c, _area, _batch;
    private Tensor? _output;
    private Tensor? _gradInput;

    /// <inheritdoc/>
    public override string Kind => "global_average_pooling2d";

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng)
    {
        if (inputShape.Length != 3)
        {
            throw new ArgumentException($"layer {Name} expects (channels, height, width) input, got {Tensor.Format(inputShape)}");
        }

        (_c, _area) = (inputShape[0], inputShape[1] * inputShape[2]);
        return [_c];
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _batch = input.Batch;
        var output = Reuse(ref _output, _batch, OutputShape!);
        for (var plane = 0; plane < _batch * _c; plane++)
        {
            var sum = 0f;
            foreach (var v in input.Data.AsSpan(plane * _area, _area))
            {
                sum += v;
            }

            output.Data[plane] = sum / _area;
        }

        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        var gradInput = Reuse(ref _gradInput, _batch, InputShape!);
        for (var plane = 0; plane < _batch * _c; plane++)
        {
            gradInput.Data.AsSpan(plane * _area, _area).Fill(gradOutput.Data[plane] / _area);
        }

        return gradInput;
    }
}
