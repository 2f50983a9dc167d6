using Podium.Nn.Kernels;

namespace Podium.Nn.Layers;

/// <summary>Zeroes a fraction of inputs in training and scales the rest by 1/(1 - rate) (inverted dropout, as Keras); identity in inference.</summary>
public sealed class Dropout : Module
{
    private Rng? _rng;
    private float[] _mask = [];
    private Tensor? _output;
    private Tensor? _gradInput;
    private bool _active;

    /// <summary>Dropout with a rate in [0, 1).</summary>
    public Dropout(double rate)
    {
        if (rate is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "dropout rate must be in [0, 1)");
        }

        Rate = rate;
    }

    /// <inheritdoc/>
    public override string Kind => "dropout";

    /// <summary>The fraction of inputs dropped.</summary>
    public double Rate { get; }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object> Config => new Dictionary<string, object> { ["rate"] = Rate };

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Rng rng)
    {
        _rng = new Rng(rng.NextUInt64());
        return inputShape;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, bool training)
    {
        CheckInput(input);
        _active = training && Rate > 0;
        if (!_active)
        {
            return input;
        }

        var output = Reuse(ref _output, input.Batch, OutputShape!);
        if (_mask.Length != input.Length)
        {
            _mask = new float[input.Length];
        }

        _rng!.NextFloats(_mask);
        Vec.Threshold(_mask, (float)Rate, (float)(1 / (1 - Rate)));
        Vec.Multiply(input.Data, _mask, output.Data);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Backward(Tensor gradOutput)
    {
        if (!_active)
        {
            return gradOutput;
        }

        var gradInput = Reuse(ref _gradInput, gradOutput.Batch, InputShape!);
        Vec.Multiply(gradOutput.Data, _mask, gradInput.Data);
        return gradInput;
    }
}
