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

    /// <summary>The losses <see cref="FromName"/> makes, by their Keras names (it also takes Keras's alias mse).</summary>
    public static IReadOnlyList<string> Names { get; } = ["categorical_crossentropy", "sparse_categorical_crossentropy", "mean_squared_error"];

    /// <summary>Whether <see cref="FromName"/> knows a name (one of <see cref="Names"/> or an alias).</summary>
    public static bool IsKnown(string name) => Make(name) is not null;

    /// <summary>A loss by its Keras name.</summary>
    /// <exception cref="ArgumentException">No loss has that name; the message lists <see cref="Names"/>.</exception>
    public static Loss FromName(string name) =>
        Make(name) ?? throw new ArgumentException($"unknown loss '{name}'; use {string.Join(", ", Names)}", nameof(name));

    private static Loss? Make(string name) => name switch
    {
        "categorical_crossentropy" => new CategoricalCrossentropy(),
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
        "mean_squared_error" or "mse" => new MeanSquaredError(),
        _ => null,
    };
}
