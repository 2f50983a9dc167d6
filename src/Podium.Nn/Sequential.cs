using System.Text;
using Podium.Nn.Layers;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Training;

namespace Podium.Nn;

/// <summary>
/// A stack of layers, built for an input shape with a seed, compiled with an optimizer and a loss,
/// and trained with <see cref="Fit"/> — Keras's model API over Podium's layers.
/// </summary>
public sealed class Sequential
{
    private readonly List<Module> _layers = [];
    private Tensor? _gradOutput;

    /// <summary>An empty model.</summary>
    public Sequential(string name = "sequential") => Name = name;

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <summary>The input shape without batch, once built.</summary>
    public int[]? InputShape { get; private set; }

    /// <summary>The seed that fixed the initial weights.</summary>
    public long Seed { get; private set; }

    /// <summary>The optimizer, once compiled.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss, once compiled.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>Every parameter, layer by layer.</summary>
    public IEnumerable<Parameter> Parameters => _layers.SelectMany(l => l.Parameters);

    /// <summary>Appends a layer.</summary>
    public Sequential Add(Module layer)
    {
        if (InputShape is not null)
        {
            throw new InvalidOperationException($"model {Name} is built; add layers before building it");
        }

        _layers.Add(layer);
        return this;
    }

    /// <summary>Names the layers as Keras does (conv2d, conv2d_1, …) and creates their weights from the seed.</summary>
    public Sequential Build(int[] inputShape, long seed)
    {
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException($"model {Name} has no layers");
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var shape = inputShape;
        for (var i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            var seen = counts.GetValueOrDefault(layer.Kind);
            counts[layer.Kind] = seen + 1;
            layer.Name = seen == 0 ? layer.Kind : $"{layer.Kind}_{seen}";
            // Each layer draws from its own stream, so adding a layer does not change the others' weights.
            shape = layer.Build(shape, Rng.For(seed, (ulong)i));
            foreach (var p in layer.Parameters)
            {
                p.Trainable = layer.Trainable && !p.IsState;
            }
        }

        if (_layers[0] is Conv2D first)
        {
            first.SkipInputGradient = true;
        }

        InputShape = (int[])inputShape.Clone();
        Seed = seed;
        return this;
    }

    /// <summary>Sets the optimizer and the loss.</summary>
    public Sequential Compile(Optimizer optimizer, Loss loss)
    {
        Optimizer = optimizer;
        Loss = loss;
        return this;
    }

    /// <summary>Freezes or unfreezes a layer after building (transfer learning).</summary>
    public void SetTrainable(Module layer, bool trainable)
    {
        layer.Trainable = trainable;
        foreach (var p in layer.Parameters)
        {
            p.Trainable = trainable && !p.IsState;
        }
    }

    /// <summary>Runs the layers forward.</summary>
    public Tensor Forward(Tensor input, bool training)
    {
        var x = input;
        foreach (var layer in _layers)
        {
            x = layer.Forward(x, training);
        }

        return x;
    }

    /// <summary>One optimisation step on a batch: returns the mean loss and the number of correct argmax predictions.</summary>
    public (double Loss, int Correct) TrainStep(Tensor x, Tensor y)
    {
        var (loss, optimizer) = (Loss ?? throw NotCompiled(), Optimizer!);
        foreach (var p in Parameters)
        {
            Array.Clear(p.Grad.Data);
        }

        var output = Forward(x, training: true);
        if (_gradOutput is null || !_gradOutput.Shape.AsSpan().SequenceEqual(output.Shape))
        {
            _gradOutput = new Tensor(output.Shape);
        }

        double value;
        var last = _layers.Count - 1;
        if (_layers[last] is Softmax && loss.FusesWithSoftmax)
        {
            // Straight to the logits: (p − y)/batch, exact where −y/p through the softmax Jacobian is not.
            value = loss.ComputeFromSoftmax(output, y, _gradOutput);
            last--;
        }
        else
        {
            value = loss.Compute(output, y, _gradOutput);
        }

        var correct = Correct(output, y);
        var g = _gradOutput;
        for (var i = last; i >= 0; i--)
        {
            g = _layers[i].Backward(g);
        }

        optimizer.Step(Parameters);
        return (value, correct);
    }

    /// <summary>Trains: shuffles each epoch from the seed, runs batches, evaluates on validation data, calls callbacks.</summary>
    public History Fit(Tensor x, Tensor y, FitOptions options) => new Trainer(this, x, y, options).Run();

    /// <summary>Mean loss and accuracy over data, in inference mode.</summary>
    public (double Loss, double Accuracy) Evaluate(Tensor x, Tensor y, int batchSize = 256)
    {
        var loss = Loss ?? throw NotCompiled();
        CheckData(x, y, "evaluation");
        double total = 0;
        long correct = 0;
        var gather = new Gatherer();
        Tensor? grad = null;
        for (var start = 0; start < x.Batch; start += batchSize)
        {
            var size = Math.Min(batchSize, x.Batch - start);
            var (bx, by) = gather.Slice(x, y, start, size);
            var output = Forward(bx, training: false);
            if (grad is null || !grad.Shape.AsSpan().SequenceEqual(output.Shape))
            {
                grad = new Tensor(output.Shape);
            }

            total += loss.Compute(output, by, grad) * size;
            correct += Correct(output, by);
        }

        return (total / x.Batch, (double)correct / x.Batch);
    }

    /// <summary>The model's outputs (class probabilities for a softmax model) for every sample, in inference mode.</summary>
    public Tensor Predict(Tensor x, int batchSize = 256)
    {
        var outputShape = _layers[^1].OutputShape ?? throw new InvalidOperationException($"model {Name} is not built");
        var result = new Tensor([x.Batch, .. outputShape]);
        var per = Tensor.Count(outputShape);
        var gather = new Gatherer();
        for (var start = 0; start < x.Batch; start += batchSize)
        {
            var size = Math.Min(batchSize, x.Batch - start);
            var (bx, _) = gather.Slice(x, null, start, size);
            Forward(bx, training: false).Data.AsSpan(0, size * per).CopyTo(result.Data.AsSpan(start * per));
        }

        return result;
    }

    /// <summary>A Keras-style summary: each layer, its output shape and parameters, then totals.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine($"Model: \"{Name}\"");
        var rule = new string('─', 68);
        text.AppendLine(rule);
        text.AppendLine($"{"Layer (type)",-30}{"Output Shape",-24}{"Param #",14}");
        text.AppendLine(new string('═', 68));
        long total = 0, trainable = 0;
        foreach (var layer in _layers)
        {
            var count = layer.Parameters.Sum(p => (long)p.Value.Length);
            total += count;
            trainable += layer.Parameters.Where(p => p.Trainable).Sum(p => (long)p.Value.Length);
            var shape = "(None, " + string.Join(", ", layer.OutputShape ?? []) + ")";
            text.AppendLine($"{$"{layer.Name} ({TypeName(layer)})",-30}{shape,-24}{count,14:N0}");
        }

        text.AppendLine(new string('═', 68));
        text.AppendLine($"Total params: {total:N0} ({total * 4:N0} bytes)");
        text.AppendLine($"Trainable params: {trainable:N0}");
        text.AppendLine($"Non-trainable params: {total - trainable:N0}");
        return text.ToString();
    }

    private static string TypeName(Module layer) => layer.GetType().Name;

    private static int Correct(Tensor output, Tensor y)
    {
        if (output.Shape.Length != 2)
        {
            return 0;
        }

        var (batch, classes) = (output.Batch, output.Shape[1]);
        var sparse = y.Length == batch;
        var correct = 0;
        for (var n = 0; n < batch; n++)
        {
            var row = output.Data.AsSpan(n * classes, classes);
            var predicted = 0;
            for (var c = 1; c < classes; c++)
            {
                if (row[c] > row[predicted])
                {
                    predicted = c;
                }
            }

            var truth = sparse ? (int)y.Data[n] : ArgMax(y.Data.AsSpan(n * classes, classes));
            correct += predicted == truth ? 1 : 0;
        }

        return correct;
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best])
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>Checks data against the built input shape, naming what it is for.</summary>
    internal void CheckData(Tensor x, Tensor y, string what)
    {
        var expected = InputShape ?? throw new InvalidOperationException($"model {Name} is not built; call Build first");
        if (x.Shape.Length != expected.Length + 1 || !x.Shape.AsSpan(1).SequenceEqual(expected))
        {
            throw new ArgumentException($"{what} inputs have shape {Tensor.Format(x.Shape)}; model {Name} expects (batch, {string.Join(", ", expected)})");
        }

        if (y.Batch != x.Batch)
        {
            throw new ArgumentException($"{what} data has {x.Batch} inputs but {y.Batch} targets");
        }
    }

    /// <summary>Throws unless Compile was called.</summary>
    internal void CheckCompiled() => _ = Loss ?? throw NotCompiled();

    private InvalidOperationException NotCompiled() => new($"model {Name} is not compiled; call Compile with an optimizer and a loss");
}
