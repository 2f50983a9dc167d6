using System.Text.Json;
using Podium.Evaluation;
using Podium.Tests;
using Xunit;

namespace Podium.Evaluation.Tests;

/// <summary>Every metric against scikit-learn itself, on random probabilities rounded so that many scores tie.</summary>
public sealed class ScikitLearnAgreementTests
{
    private const string OracleScript = """
        import json, sys, warnings
        import numpy as np
        from sklearn import metrics
        warnings.simplefilter('ignore')
        case = json.load(sys.stdin)
        y = np.array(case['labels'])
        k = case['classes']
        p = np.array(case['probabilities'], dtype=np.float32).reshape(-1, k)
        pred = p.argmax(axis=1)
        labels = list(range(k))
        prf = metrics.precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
        out = {
            'accuracy': metrics.accuracy_score(y, pred),
            'precision': prf[0].tolist(), 'recall': prf[1].tolist(), 'f1': prf[2].tolist(), 'support': prf[3].tolist(),
            'confusion': metrics.confusion_matrix(y, pred, labels=labels).tolist(),
            'log_loss': metrics.log_loss(y, p, labels=labels),
            'top2': metrics.top_k_accuracy_score(y, p, k=2, labels=labels),
            'auc_macro': metrics.roc_auc_score(y, p, multi_class='ovr', average='macro', labels=labels),
            'roc': [], 'auc': [],
        }
        for avg in ['macro', 'weighted', 'micro']:
            r = metrics.precision_recall_fscore_support(y, pred, labels=labels, average=avg, zero_division=0)
            out[avg] = [r[0], r[1], r[2]]
        onehot = np.eye(k)[y]
        for c in range(k):
            fpr, tpr, thr = metrics.roc_curve(onehot[:, c], p[:, c])
            out['roc'].append([fpr.tolist(), tpr.tolist(), thr[1:].tolist()])
            out['auc'].append(metrics.auc(fpr, tpr))
        fpr, tpr, _ = metrics.roc_curve(onehot.ravel(), p.ravel())
        out['micro_roc'] = [fpr.tolist(), tpr.tolist()]
        out['auc_micro'] = metrics.roc_auc_score(onehot, p, average='micro')
        print(json.dumps(out))
        """;

    private static JsonElement Oracle(int[] labels, float[] probabilities, int classes) =>
        JsonDocument.Parse(PythonOracle.Run(OracleScript, JsonSerializer.Serialize(new { labels, probabilities, classes }))).RootElement;

    /// <summary>Probabilities that lean towards the truth, rounded to one decimal (many ties), rows normalised.</summary>
    private static (int[] Labels, float[] Probabilities) Sample(int n, int k, int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, n).Select(_ => random.Next(k)).ToArray();
        var probabilities = new float[n * k];
        for (var i = 0; i < n; i++)
        {
            var row = Enumerable.Range(0, k).Select(c => Math.Round(random.NextDouble() + (c == labels[i] ? 0.4 : 0), 1)).ToArray();
            var sum = row.Sum();
            for (var c = 0; c < k; c++)
            {
                probabilities[i * k + c] = (float)(row[c] / sum);
            }
        }

        return (labels, probabilities);
    }

    [Theory]
    [InlineData(200, 4, 1)]
    [InlineData(57, 3, 2)]
    [InlineData(500, 10, 3)]
    public void Every_metric_agrees_with_scikit_learn(int n, int k, int seed)
    {
        var (labels, probabilities) = Sample(n, k, seed);
        var names = Enumerable.Range(0, k).Select(c => "class " + c).ToArray();

        var report = ClassificationReport.Compute(names, labels, probabilities);
        var expected = Oracle(labels, probabilities, k);

        Assert.Equal(expected.GetProperty("accuracy").GetDouble(), report.Accuracy, 12);
        Close(expected.GetProperty("precision"), report.PerClass.Select(m => m.Precision));
        Close(expected.GetProperty("recall"), report.PerClass.Select(m => m.Recall));
        Close(expected.GetProperty("f1"), report.PerClass.Select(m => m.F1));
        Assert.Equal(expected.GetProperty("support").EnumerateArray().Select(e => e.GetInt32()), report.PerClass.Select(m => m.Support));
        Close(expected.GetProperty("macro"), [report.Macro.Precision, report.Macro.Recall, report.Macro.F1]);
        Close(expected.GetProperty("weighted"), [report.Weighted.Precision, report.Weighted.Recall, report.Weighted.F1]);
        Close(expected.GetProperty("micro"), [report.Micro.Precision, report.Micro.Recall, report.Micro.F1]);
        var confusion = expected.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        for (var t = 0; t < k; t++)
        {
            Assert.Equal(confusion[t], Enumerable.Range(0, k).Select(p => report.Confusion.Counts[t, p]));
        }

        Assert.Equal(expected.GetProperty("log_loss").GetDouble(), report.LogLoss, 5);
        Assert.Equal(expected.GetProperty("top2").GetDouble(), report.TopKAccuracy(2), 12);
        Assert.Equal(expected.GetProperty("auc_macro").GetDouble(), report.MacroRoc.Auc, 9);
        Assert.Equal(expected.GetProperty("auc_micro").GetDouble(), report.MicroRoc.Auc, 9);
        for (var c = 0; c < k; c++)
        {
            var roc = expected.GetProperty("roc")[c];
            Close(roc[0], report.Roc[c].FalsePositiveRate);
            Close(roc[1], report.Roc[c].TruePositiveRate);
            Close(roc[2], report.Roc[c].Thresholds.Skip(1), 6);
            Assert.Equal(expected.GetProperty("auc")[c].GetDouble(), report.Roc[c].Auc, 9);
        }

        Close(expected.GetProperty("micro_roc")[0], report.MicroRoc.FalsePositiveRate);
        Close(expected.GetProperty("micro_roc")[1], report.MicroRoc.TruePositiveRate);
    }

    private static void Close(JsonElement expected, IEnumerable<double> actual, int digits = 9)
    {
        var want = expected.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var got = actual.ToArray();
        Assert.Equal(want.Length, got.Length);
        for (var i = 0; i < want.Length; i++)
        {
            Assert.Equal(want[i], got[i], digits);
        }
    }

    private const string TopKScript = """
        import json, sys
        import numpy as np
        from sklearn import metrics
        case = json.load(sys.stdin)
        y = np.array(case['labels'])
        k = case['classes']
        p = np.array(case['probabilities'], dtype=np.float32).reshape(-1, k)
        # Two classes: scikit-learn takes the second class's score alone (a 2-D score is refused for binary labels).
        score = p[:, 1] if k == 2 else p
        labels = None if k == 2 else list(range(k))
        print(json.dumps([metrics.top_k_accuracy_score(y, score, k=top, labels=labels) for top in range(1, k)]))
        """;

    [Theory]
    [InlineData(2, 11)]
    [InlineData(3, 12)]
    [InlineData(5, 13)]
    public void Top_k_accuracy_breaks_ties_as_scikit_learn_does(int classes, int seed)
    {
        var (labels, probabilities) = Sample(400, classes, seed);
        // Exact ties as well: rows of equal scores, whatever the truth.
        for (var i = 0; i < 40; i++)
        {
            probabilities.AsSpan(i * classes, classes).Fill(1f / classes);
        }

        var report = ClassificationReport.Compute(Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray(), labels, probabilities);
        using var expected = JsonDocument.Parse(PythonOracle.Run(TopKScript, JsonSerializer.Serialize(new { labels, probabilities, classes })));

        Assert.Equal(expected.RootElement.EnumerateArray().Select(e => e.GetDouble()), Enumerable.Range(1, classes - 1).Select(report.TopKAccuracy), new ToleranceComparer(1e-12));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
