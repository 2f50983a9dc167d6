namespace Podium.Nn;

/// <summary>A trainable tensor with its gradient.</summary>
public sealed class Parameter
{
    internal Parameter(string name, int[] shape)
    {
        Name = name;
        Value = new Tensor(shape);
        Grad = new Tensor(shape);
    }

    /// <summary>The name, unique in a model, e.g. conv2d_1.kernel.</summary>
    public string Name { get; internal set; }

    /// <summary>The values.</summary>
    public Tensor Value { get; }

    /// <summary>The gradient of the loss, filled by a backward pass.</summary>
    public Tensor Grad { get; }

    /// <summary>Whether an optimizer updates it; false when its module is frozen.</summary>
    public bool Trainable { get; internal set; } = true;

    /// <summary>Layer state kept with the weights but never trained (batch norm's moving statistics).</summary>
    public bool IsState { get; internal init; }
}
