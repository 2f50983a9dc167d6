using Podium.Nn.Training.Callbacks;

namespace Podium.Nn.Training;

/// <summary>
/// The fit loop behind <see cref="Sequential.Fit"/>: epochs of seeded shuffles, batches gathered (and transformed) one
/// ahead of the step, validation after each epoch, callbacks at every boundary.
/// </summary>
internal sealed class Trainer
{
    // Two, so the next batch can be gathered while the current one trains.
    private readonly Gatherer[] _gatherers = [new(), new()];
    private readonly Sequential _model;
    private readonly Tensor _x;
    private readonly Tensor _y;
    private readonly FitOptions _options;
    private readonly FitContext _context;
    private readonly int[] _order;
    private readonly IReadOnlyList<Callback> _callbacks;

    public Trainer(Sequential model, Tensor x, Tensor y, FitOptions options)
    {
        model.CheckCompiled();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Epochs);
        model.CheckData(x, y, "training");
        if (options.Validation is var (vx, vy))
        {
            model.CheckData(vx, vy, "validation");
        }

        (_model, _x, _y, _options) = (model, x, y, options);
        _context = new FitContext(model, new History(), options);
        _order = new int[x.Batch];
        _callbacks = ProgressBar.For(options) is { } progress ? [.. options.Callbacks, progress] : options.Callbacks;
    }

    private int Batches => (_x.Batch + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>Trains every epoch, or until a callback or the cancellation stops it; returns the history.</summary>
    public History Run()
    {
        var callbacks = _callbacks;

        foreach (var callback in callbacks)
        {
            callback.OnTrainBegin(_context);
        }

        for (var epoch = 1; epoch <= _options.Epochs && !_context.StopTraining; epoch++)
        {
            Shuffle(epoch);
            foreach (var callback in callbacks)
            {
                callback.OnEpochBegin(_context, epoch);
            }

            var (lossSum, correct) = TrainEpoch(epoch);
            if (_context.StopTraining && _context.StopReason!.StartsWith("cancelled", StringComparison.Ordinal))
            {
                break;
            }

            var logs = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["loss"] = lossSum / _x.Batch,
                ["accuracy"] = (double)correct / _x.Batch,
            };
            if (_options.Validation is var (valX, valY))
            {
                var (valLoss, valAccuracy) = _model.Evaluate(valX, valY, _options.BatchSize);
                logs["val_loss"] = valLoss;
                logs["val_accuracy"] = valAccuracy;
            }

            logs["learning_rate"] = _model.Optimizer!.LearningRate;
            _context.History.Add(logs);
            foreach (var callback in callbacks)
            {
                callback.OnEpochEnd(_context, epoch, logs);
            }
        }

        _context.History.StopReason = _context.StopReason;
        foreach (var callback in callbacks)
        {
            callback.OnTrainEnd(_context);
        }

        return _context.History;
    }

    /// <summary>The epoch's sample order: 0..n−1, shuffled from the seed and the epoch when asked.</summary>
    private void Shuffle(int epoch)
    {
        for (var i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        if (_options.Shuffle)
        {
            Rng.For(_options.Seed, 1_000_000UL + (ulong)epoch).Shuffle(_order);
        }
    }

    /// <summary>
    /// One epoch's steps; returns the summed loss (by sample) and the correct predictions. Batch b is gathered (and
    /// transformed) into buffer b % 2; with a transform, batch b + 1 is prepared on another thread while batch b trains.
    /// Each sample's transform depends only on seed, epoch and index, so preparing ahead changes no result.
    /// </summary>
    private (double LossSum, long Correct) TrainEpoch(int epoch)
    {
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        var batches = Batches;
        Task<(Tensor X, Tensor Y)>? ahead = null;
        try
        {
            for (var b = 0; b < batches; b++)
            {
                if (_options.Cancellation.IsCancellationRequested)
                {
                    _context.Stop($"cancelled in epoch {epoch} before batch {b + 1}");
                    break;
                }

                var (bx, by) = ahead is null ? Prepare(b, epoch) : ahead.GetAwaiter().GetResult();
                var following = b + 1;
                ahead = _options.Transform is not null && following < batches ? Task.Run(() => Prepare(following, epoch)) : null;
                var (batchLoss, batchCorrect) = _model.TrainStep(bx, by);
                lossSum += batchLoss * bx.Batch;
                correct += batchCorrect;
                seen += bx.Batch;
                _context.BatchLoss = batchLoss;
                _context.RunningLoss = lossSum / seen;
                _context.RunningAccuracy = (double)correct / seen;
                foreach (var callback in _callbacks)
                {
                    callback.OnBatchEnd(_context, epoch, b + 1, batches);
                }

                if (_context.StopTraining)
                {
                    break;
                }
            }
        }
        finally
        {
            // Never leave a preparation running into the next epoch's shuffle or past Fit.
            ahead?.Wait();
        }

        return (lossSum, correct);
    }

    /// <summary>Batch b of the epoch, gathered into buffer b % 2 and transformed.</summary>
    private (Tensor X, Tensor Y) Prepare(int b, int epoch)
    {
        var start = b * _options.BatchSize;
        var samples = _order.AsSpan(start, Math.Min(_options.BatchSize, _x.Batch - start));
        var batch = _gatherers[b % 2].Gather(_x, _y, samples);
        _options.Transform?.Invoke(batch.X, samples, epoch);
        return batch;
    }
}
