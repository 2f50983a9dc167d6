namespace Podium.Evaluation;

/// <summary>
/// Everything scikit-learn reports about a single-label classifier, computed from the true labels and the
/// predicted class probabilities alone: accuracy, per-class precision/recall/F1/support with macro, micro and
/// weighted averages, the confusion matrix, one-vs-rest ROC curves with AUC, log loss and top-k accuracy.
/// </summary>
/// <remarks>
/// The predicted class is the first most probable one (numpy's and Keras's argmax). Where scikit-learn divides
/// by zero it reports 0 and warns (a class never predicted has precision 0, a class with no samples recall 0);
/// so does this, listing each case in <see cref="Warnings"/>. Where scikit-learn raises — an AUC for a class
/// that is absent, or is everything — this reports NaN for that class, averages over the classes that have one,
/// and warns.
/// </remarks>
public sealed class ClassificationReport
{
    private readonly int[] _labels;
    private readonly float[] _probabilities;

    private ClassificationReport(IReadOnlyList<string> classNames, int[] labels, float[] probabilities)
    {
        ClassNames = classNames;
        _labels = labels;
        _probabilities = probabilities;
    }

    /// <summary>The class names, in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>The true class of each sample.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>The predicted class of each sample.</summary>
    public IReadOnlyList<int> Predictions { get; private set; } = [];

    /// <summary>The share of samples whose predicted class is the true one.</summary>
    public double Accuracy { get; private set; }

    /// <summary>Each class's precision, recall, F1 and support, in label order.</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; private set; } = [];

    /// <summary>The unweighted mean over classes.</summary>
    public AveragedMetrics Macro { get; private set; } = new(0, 0, 0);

    /// <summary>From the counts pooled over classes (for single-label data, each equals accuracy).</summary>
    public AveragedMetrics Micro { get; private set; } = new(0, 0, 0);

    /// <summary>The mean over classes weighted by support.</summary>
    public AveragedMetrics Weighted { get; private set; } = new(0, 0, 0);

    /// <summary>Counts of (truth, prediction).</summary>
    public ConfusionMatrix Confusion { get; private set; } = null!;

    /// <summary>One-vs-rest ROC curve of each class, in label order.</summary>
    public IReadOnlyList<RocCurve> Roc { get; private set; } = [];

    /// <summary>The ROC curve of every (sample, class) decision pooled.</summary>
    public RocCurve MicroRoc { get; private set; } = null!;

    /// <summary>The per-class curves averaged on a common grid; its AUC is the mean of the per-class AUCs (<c>roc_auc_score</c>, macro, one-vs-rest).</summary>
    public RocCurve MacroRoc { get; private set; } = null!;

    /// <summary>Mean negative log-likelihood of the true class, probabilities clipped to [ε, 1 − ε] (float32 ε) and renormalised.</summary>
    public double LogLoss { get; private set; }

    /// <summary>What scikit-learn would have warned about, one line each.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>
    /// Evaluates labels (0 … classes − 1) against probabilities (one row of class probabilities per sample).
    /// </summary>
    /// <exception cref="ArgumentException">Mismatched lengths, a label out of range or a probability that is not a finite number.</exception>
    public static ClassificationReport Compute(IReadOnlyList<string> classNames, ReadOnlySpan<int> labels, ReadOnlySpan<float> probabilities)
    {
        var k = classNames.Count;
        if (k < 1)
        {
            throw new ArgumentException("at least one class name is needed");
        }

        if (probabilities.Length != labels.Length * k)
        {
            throw new ArgumentException($"{labels.Length} labels and {k} classes need {labels.Length * k} probabilities, got {probabilities.Length}");
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)k)
            {
                throw new ArgumentException($"label {labels[i]} of sample {i} is not one of the {k} classes");
            }
        }

        foreach (var p in probabilities)
        {
            if (!float.IsFinite(p))
            {
                throw new ArgumentException($"probabilities must be finite numbers, got {p}");
            }
        }

        var report = new ClassificationReport(classNames, labels.ToArray(), probabilities.ToArray());
        report.Evaluate();
        return report;
    }

    /// <summary>
    /// The share of samples whose true class is among the k most probable, as scikit-learn's <c>top_k_accuracy_score</c>
    /// counts it: ties rank the higher class index first; with two classes and k = 1, scikit-learn thresholds the second
    /// class's score instead (above 0.5 for probabilities, above 0 for other scores), so a tie predicts the first class.
    /// </summary>
    public double TopKAccuracy(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var classes = ClassNames.Count;
        if (k >= classes)
        {
            return 1.0;
        }

        var hits = 0;
        if (classes == 2)
        {
            var positive = Enumerable.Range(0, Count).Select(i => _probabilities[(i * 2) + 1]).ToArray();
            var threshold = positive.Length > 0 && positive.Min() >= 0 && positive.Max() <= 1 ? 0.5f : 0f;
            for (var i = 0; i < Count; i++)
            {
                hits += (positive[i] > threshold ? 1 : 0) == _labels[i] ? 1 : 0;
            }

            return Count == 0 ? 0 : (double)hits / Count;
        }

        for (var i = 0; i < Count; i++)
        {
            var row = _probabilities.AsSpan(i * classes, classes);
            var truth = row[_labels[i]];
            // The true class is in the top k when fewer than k classes rank before it: higher scores, or equal scores at higher indices.
            var before = 0;
            for (var c = 0; c < classes; c++)
            {
                if (row[c] > truth || (row[c] == truth && c > _labels[i]))
                {
                    before++;
                }
            }

            hits += before < k ? 1 : 0;
        }

        return Count == 0 ? 0 : (double)hits / Count;
    }

    private void Evaluate()
    {
        var k = ClassNames.Count;
        var n = Count;
        var warnings = new List<string>();
        var predictions = new int[n];
        var counts = new int[k, k];
        for (var i = 0; i < n; i++)
        {
            var row = _probabilities.AsSpan(i * k, k);
            var best = 0;
            for (var c = 1; c < k; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            predictions[i] = best;
            counts[_labels[i], best]++;
        }

        Predictions = predictions;
        Confusion = new ConfusionMatrix(ClassNames, counts);
        var correct = Enumerable.Range(0, k).Sum(c => counts[c, c]);
        Accuracy = n == 0 ? 0 : (double)correct / n;

        var perClass = new ClassMetrics[k];
        for (var c = 0; c < k; c++)
        {
            int predicted = 0, support = 0;
            for (var o = 0; o < k; o++)
            {
                predicted += counts[o, c];
                support += counts[c, o];
            }

            if (predicted == 0)
            {
                warnings.Add($"class '{ClassNames[c]}' is never predicted: its precision is set to 0");
            }

            if (support == 0)
            {
                warnings.Add($"class '{ClassNames[c]}' has no samples: its recall is set to 0");
            }

            var precision = predicted == 0 ? 0 : (double)counts[c, c] / predicted;
            var recall = support == 0 ? 0 : (double)counts[c, c] / support;
            perClass[c] = new ClassMetrics(ClassNames[c], precision, recall, F1(precision, recall), support);
        }

        PerClass = perClass;
        Macro = new AveragedMetrics(perClass.Average(m => m.Precision), perClass.Average(m => m.Recall), perClass.Average(m => m.F1));
        // Pooled over classes, every wrong prediction is one false positive and one false negative: all three equal accuracy.
        Micro = new AveragedMetrics(Accuracy, Accuracy, Accuracy);
        Weighted = n == 0
            ? new AveragedMetrics(0, 0, 0)
            : new AveragedMetrics(
                perClass.Sum(m => m.Precision * m.Support) / n, perClass.Sum(m => m.Recall * m.Support) / n, perClass.Sum(m => m.F1 * m.Support) / n);

        var roc = new RocCurve[k];
        var positive = new bool[n];
        var scores = new double[n];
        for (var c = 0; c < k; c++)
        {
            for (var i = 0; i < n; i++)
            {
                positive[i] = _labels[i] == c;
                scores[i] = _probabilities[i * k + c];
            }

            roc[c] = RocCurve.Compute(ClassNames[c], positive, scores);
            if (double.IsNaN(roc[c].Auc))
            {
                warnings.Add($"class '{ClassNames[c]}' is {(perClass[c].Support == 0 ? "absent" : "every sample")}: its ROC AUC is undefined and left out of the average");
            }
        }

        Roc = roc;
        var pooled = new bool[n * k];
        var pooledScores = new double[n * k];
        for (var i = 0; i < n * k; i++)
        {
            pooled[i] = _labels[i / k] == i % k;
            pooledScores[i] = _probabilities[i];
        }

        MicroRoc = RocCurve.Compute("micro-average", pooled, pooledScores);
        var defined = roc.Where(r => !double.IsNaN(r.Auc)).ToList();
        MacroRoc = RocCurve.MacroAverage(roc, defined.Count == 0 ? double.NaN : defined.Average(r => r.Auc));
        LogLoss = ComputeLogLoss();
        Warnings = warnings;
    }

    private double ComputeLogLoss()
    {
        const double Epsilon = 1.1920928955078125e-07; // float32's machine epsilon, which scikit-learn uses for float32 input
        var k = ClassNames.Count;
        double total = 0;
        for (var i = 0; i < Count; i++)
        {
            double sum = 0;
            for (var c = 0; c < k; c++)
            {
                sum += Math.Clamp(_probabilities[i * k + c], Epsilon, 1 - Epsilon);
            }

            total -= Math.Log(Math.Clamp(_probabilities[i * k + _labels[i]], Epsilon, 1 - Epsilon) / sum);
        }

        return Count == 0 ? double.NaN : total / Count;
    }

    private static double F1(double precision, double recall) => precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
}
