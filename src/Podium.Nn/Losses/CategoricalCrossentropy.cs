namespace Podium.Nn.Losses;

/// <summary>
/// −Σ y·log p over one-hot targets, on probabilities clipped to [1e-7, 1 − 1e-7] as Keras does. After a
/// softmax the gradient goes straight to the logits as (p − y)/batch, which is what Keras computes too
/// (it recovers the logits of a softmax output) and is exact where the clipped form is not.
/// </summary>
public class CategoricalCrossentropy : Loss
{
    /// <summary>Keras's epsilon for clipping probabilities.</summary>
    public const float Epsilon = 1e-7f;

    /// <inheritdoc/>
    public override string Name => "categorical_crossentropy";

    /// <inheritdoc/>
    public override bool FusesWithSoftmax => true;

    /// <summary>The class of row n of the target: one-hot here, an index for the sparse loss.</summary>
    protected virtual float Target(Tensor target, int n, int c, int classes) => target.Data[n * classes + c];

    /// <summary>Checks that a target fits the output.</summary>
    protected virtual void Check(Tensor output, Tensor target)
    {
        if (!output.Shape.AsSpan().SequenceEqual(target.Shape))
        {
            throw new ArgumentException($"{Name}: targets {Tensor.Format(target.Shape)} do not match outputs {Tensor.Format(output.Shape)}; give one-hot targets");
        }
    }

    /// <inheritdoc/>
    public override double Compute(Tensor output, Tensor target, Tensor grad) => Loss(output, target, grad, fused: false);

    /// <inheritdoc/>
    public override double ComputeFromSoftmax(Tensor probabilities, Tensor target, Tensor gradLogits) => Loss(probabilities, target, gradLogits, fused: true);

    /// <summary>The mean loss over clipped probabilities; the gradient −y/p/batch, or (p − y)/batch with respect to the logits when fused.</summary>
    private double Loss(Tensor probabilities, Tensor target, Tensor grad, bool fused)
    {
        Check(probabilities, target);
        var (batch, classes) = (probabilities.Batch, probabilities.Shape[1]);
        var total = 0.0;
        for (var n = 0; n < batch; n++)
        {
            for (var c = 0; c < classes; c++)
            {
                var y = Target(target, n, c, classes);
                var p = probabilities.Data[n * classes + c];
                var clipped = Math.Clamp(p, Epsilon, 1 - Epsilon);
                if (y != 0f)
                {
                    total -= y * Math.Log(clipped);
                }

                grad.Data[n * classes + c] = fused ? (p - y) / batch : -y / clipped / batch;
            }
        }

        return total / batch;
    }
}

/// <summary>Categorical cross-entropy with targets given as class indices, shape (batch) or (batch, 1).</summary>
public sealed class SparseCategoricalCrossentropy : CategoricalCrossentropy
{
    /// <inheritdoc/>
    public override string Name => "sparse_categorical_crossentropy";

    /// <inheritdoc/>
    protected override float Target(Tensor target, int n, int c, int classes) => (int)target.Data[n] == c ? 1f : 0f;

    /// <inheritdoc/>
    protected override void Check(Tensor output, Tensor target)
    {
        if (target.Length != output.Batch)
        {
            throw new ArgumentException($"{Name}: expected one class index per sample ({output.Batch}), got targets {Tensor.Format(target.Shape)}");
        }
    }
}
