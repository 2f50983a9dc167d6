using System.Buffers;
using Podium.Nn;
using Podium.Nn.Training;

namespace Podium.Vision.Augmentation;

public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// The batch transform for <see cref="FitOptions.Transform"/>: each sample is randomly transformed (seeded by
    /// seed, epoch and sample index) and then standardized, as Keras's iterators do, with the samples of a batch
    /// spread over worker threads. The result depends on nothing but the seed, epoch and sample.
    /// </summary>
    public BatchTransform ForTraining(long seed) => (batch, samples, epoch) =>
    {
        var shape = batch.Shape[1..];
        var per = Tensor.Count(shape);
        var indices = samples.ToArray();
        Engine.For(indices.Length, i =>
        {
            var image = batch.Data.AsSpan(i * per, per);
            if (Transforms)
            {
                var scratch = ArrayPool<float>.Shared.Rent(per);
                try
                {
                    var parameters = RandomTransform(shape[1], shape[2], seed, epoch, indices[i]);
                    ApplyTransform(image, scratch.AsSpan(0, per), shape, parameters);
                    scratch.AsSpan(0, per).CopyTo(image);
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(scratch);
                }
            }

            Standardize(image, shape);
        });
    };

    /// <summary>A standardized copy of images (n, c, h, w) for validation or test: no random transform, the training set's statistics.</summary>
    public Tensor Standardized(Tensor images)
    {
        var copy = images.Clone();
        var shape = images.Shape[1..];
        var per = Tensor.Count(shape);
        Engine.For(images.Batch, i => Standardize(copy.Data.AsSpan(i * per, per), shape));
        return copy;
    }
}
