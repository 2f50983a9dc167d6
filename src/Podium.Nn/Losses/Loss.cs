namespace Podium.Nn.Losses;

/// <summary>A loss: its mean over a batch, and its gradient with respect to the model's output.</summary>
public abstract class Loss
{
    /// <summary>The Keras name: categorical_crossentropy, sparse_categorical_crossentropy, mean_squared_error.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the gradient can be taken straight to the logits when the model ends in softmax.</summary>
    public virtual bool FusesWithSoftmax => false;

    /// <summary>The batch's mean loss; writes dLoss/dOutput (already divided by the batch size) into grad.</summary>
    public abstract double Compute(Tensor output, Tensor target, Tensor grad);

    /// <summary>For losses that fuse: the mean loss, and dLoss/dLogits into grad, given softmax probabilities.</summary>
    public virtual double ComputeFromSoftmax(Tensor probabilities, Tensor target, Tensor gradLogits) =>
        throw new NotSupportedException($"{Name} does not fuse with softmax");

    /// <summary>A loss by its Keras name.</summary>
    public static Loss FromName(string name) => name switch
    {
        "categorical_crossentropy" => new CategoricalCrossentropy(),
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
        "mean_squared_error" or "mse" => new MeanSquaredError(),
        _ => throw new ArgumentException($"unknown loss '{name}'; use categorical_crossentropy, sparse_categorical_crossentropy or mean_squared_error"),
    };
}
