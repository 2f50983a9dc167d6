namespace Podium.Nn;

/// <summary>
/// A layer: builds its parameters for an input shape, computes a forward pass, and a backward pass
/// that fills its parameters' gradients and returns the gradient with respect to its input.
/// </summary>
public abstract class Module
{
    private string? _name;

    /// <summary>The module's name in its model, e.g. conv2d_1.</summary>
    public string Name
    {
        get => _name ?? Kind;
        set => _name = value;
    }

    /// <summary>The layer's type, as Keras names it: conv2d, dense, max_pooling2d, …</summary>
    public abstract string Kind { get; }

    private bool _trainable = true;

    /// <summary>False freezes every parameter of the module (transfer learning); batch norm then also runs in inference mode, as in Keras.</summary>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            OnTrainableChanged(value);
        }
    }

    /// <summary>Lets composite modules pass freezing on to their parts.</summary>
    protected virtual void OnTrainableChanged(bool trainable)
    {
    }

    /// <summary>The input shape without the batch dimension, once built.</summary>
    public int[]? InputShape { get; private set; }

    /// <summary>The output shape without the batch dimension, once built.</summary>
    public int[]? OutputShape { get; private set; }

    /// <summary>The module's parameters.</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>The layer's settings as Keras would list them.</summary>
    public virtual IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>();

    /// <summary>Creates parameters for an input shape (without batch) and returns the output shape.</summary>
    public int[] Build(int[] inputShape, Rng rng)
    {
        InputShape = (int[])inputShape.Clone();
        OutputShape = OnBuild(InputShape, rng);
        return OutputShape;
    }

    /// <summary>Builds for an input shape; returns the output shape (without batch).</summary>
    protected abstract int[] OnBuild(int[] inputShape, Rng rng);

    /// <summary>The forward pass; training switches dropout and batch statistics on.</summary>
    public abstract Tensor Forward(Tensor input, bool training);

    /// <summary>The backward pass: accumulates parameter gradients, returns the input gradient.</summary>
    public abstract Tensor Backward(Tensor gradOutput);

    /// <summary>Checks an input against the built shape, naming the layer and both shapes.</summary>
    protected void CheckInput(Tensor input)
    {
        var expected = InputShape ?? throw new InvalidOperationException($"layer {Name} is not built; build the model before running it");
        if (input.Shape.Length != expected.Length + 1 || !input.Shape.AsSpan(1).SequenceEqual(expected))
        {
            throw new ArgumentException($"layer {Name} expects input (batch, {string.Join(", ", expected)}) but got {Tensor.Format(input.Shape)}");
        }
    }

    /// <summary>A tensor of shape (batch, ...OutputShape), reused while the batch size stays the same.</summary>
    protected static Tensor Reuse(ref Tensor? buffer, int batch, int[] shape)
    {
        if (buffer is null || buffer.Batch != batch || !buffer.Shape.AsSpan(1).SequenceEqual(shape))
        {
            buffer = new Tensor([batch, .. shape]);
        }

        return buffer;
    }
}
