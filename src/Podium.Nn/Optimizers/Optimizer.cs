using System.Numerics;
using Podium.Nn.Kernels;

namespace Podium.Nn.Optimizers;

/// <summary>Updates trainable parameters from their gradients; state is kept per parameter.</summary>
public abstract class Optimizer
{
    private readonly Dictionary<Parameter, float[][]> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>A learning rate.</summary>
    protected Optimizer(double learningRate) => LearningRate = learningRate;

    /// <summary>The Keras name: sgd, adam, adagrad, rmsprop.</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate in force; schedules change it between epochs.</summary>
    public double LearningRate { get; set; }

    /// <summary>Decoupled weight decay: before each update, w -= lr·decay·w (Keras's weight_decay).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Updates done so far.</summary>
    public long Iterations { get; private set; }

    /// <summary>The settings as Keras lists them.</summary>
    public virtual IReadOnlyDictionary<string, object> Config => new Dictionary<string, object>
    {
        ["learning_rate"] = LearningRate, ["weight_decay"] = WeightDecay,
    };

    /// <summary>Applies one update to every trainable parameter.</summary>
    public void Step(IEnumerable<Parameter> parameters)
    {
        Iterations++;
        foreach (var p in parameters)
        {
            if (!p.Trainable)
            {
                continue;
            }

            if (!_state.TryGetValue(p, out var state))
            {
                _state[p] = state = CreateState(p.Value.Length);
            }

            var w = p.Value.Data;
            if (WeightDecay != 0)
            {
                var decay = (float)(LearningRate * WeightDecay);
                ForEachChunk(w.Length, (start, end) =>
                {
                    var i = start;
                    for (var vd = new Vector<float>(decay); i <= end - Vector<float>.Count; i += Vector<float>.Count)
                    {
                        var wi = new Vector<float>(w, i);
                        (wi - vd * wi).CopyTo(w, i);
                    }

                    for (; i < end; i++)
                    {
                        w[i] -= decay * w[i];
                    }
                });
            }

            Update(w, p.Grad.Data, state);
        }
    }

    /// <summary>
    /// Optimizer state decays geometrically where gradients stay zero (Adam's m by 0.9 a step) and would
    /// turn subnormal within about a thousand steps; x86 computes on subnormals through slow microcode
    /// (measured: Adam steps went from 5 ms to 148 ms, bench "decay"). TensorFlow runs with flush-to-zero
    /// for the same reason; .NET cannot set that flag, so tiny state is flushed here. The threshold sits
    /// well above the subnormal range so that the update's intermediates never enter it either; state
    /// this small changes no update (ε = 1e-7 dominates).
    /// </summary>
    protected static float Flush(float value) => MathF.Abs(value) < FlushBelow ? 0f : value;

    /// <summary><see cref="Flush(float)"/> lane by lane.</summary>
    protected static Vector<float> Flush(Vector<float> value) =>
        Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(value), new Vector<float>(FlushBelow)), Vector<float>.Zero, value);

    private const float FlushBelow = 1e-30f;

    /// <summary>Elements per chunk of an update: parameters longer than this are updated chunk by chunk on the workers.</summary>
    private const int Chunk = 1 << 14;

    /// <summary>
    /// Runs update(start, end) over [0, length) in chunks, on the workers when there are several. Updates are element by
    /// element, so the result is the same however the chunks fall. Each update runs whole vectors of
    /// <see cref="Vector{T}"/> and then single elements, with the same operations in the same order: the same floats.
    /// </summary>
    protected static void ForEachChunk(int length, Action<int, int> update)
    {
        if (length <= Chunk)
        {
            update(0, length);
            return;
        }

        Workers.For((length + Chunk - 1) / Chunk, c => update(c * Chunk, Math.Min(length, (c + 1) * Chunk)));
    }

    /// <summary>Per-parameter state arrays, zeroed unless the rule says otherwise.</summary>
    protected abstract float[][] CreateState(int length);

    /// <summary>Updates one parameter in place.</summary>
    protected abstract void Update(float[] w, float[] g, float[][] state);

    /// <summary>An optimizer by its Keras name with Keras's defaults.</summary>
    public static Optimizer FromName(string name, double? learningRate = null) => name switch
    {
        "sgd" => new Sgd(learningRate ?? 0.01),
        "adam" => new Adam(learningRate ?? 0.001),
        "adagrad" => new Adagrad(learningRate ?? 0.001),
        "rmsprop" => new RmsProp(learningRate ?? 0.001),
        _ => throw new ArgumentException($"unknown optimizer '{name}'; use {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>The optimizers <see cref="FromName"/> makes, by their Keras names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "adam", "adagrad", "rmsprop"];}
