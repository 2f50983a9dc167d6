using System.Diagnostics;
using System.Globalization;
using System.Text;
using Podium.Evaluation;
using Podium.Evaluation.Charts;
using Podium.Nn;
using Podium.Nn.Callbacks;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Vision.Models;
using Podium.Tracking.Query;

namespace Podium.Experiments;

/// <summary>
/// One model's run through the stages — <see cref="Build"/>, <see cref="Fit"/>, <see cref="Evaluate"/>,
/// <see cref="Outputs"/> — each recording what it produced before the next starts, so a run that dies keeps
/// what it had. A stage that throws marks the run failed; a cancelled fit marks it killed.
/// </summary>
public sealed class ExperimentRun : IDisposable
{
    private readonly RegisteredData _data;
    private readonly Tracker _tracker;
    private Sequential? _model;
    private History? _history;
    private Tensor? _validation;
    private string? _bestWeights;

    /// <summary>The artifact holding the spec a run was started from.</summary>
    public const string SpecArtifact = "spec.json";

    /// <summary>The evaluation's confusion matrix and ROC curves as data, for the web UI's charts.</summary>
    public const string EvaluationArtifact = "evaluation.json";

    internal ExperimentRun(Tracker tracker, RegisteredData data, RunSpec spec, string? parentRunId, IReadOnlyDictionary<string, string>? tags, string? specJson)
    {
        (_tracker, _data, Spec) = (tracker, data, spec);
        Run = tracker.StartRun(spec.Experiment, spec.DisplayName, spec.Seed, parentRunId);
        Stage(() =>
        {
            foreach (var (key, value) in tags ?? new Dictionary<string, string>())
            {
                Run.SetTag(key, value);
            }

            if (specJson is not null)
            {
                Text(SpecArtifact, specJson);
            }

            Run.LogDataset(data.Record, "train", data.AugmentationsJson);
            Run.LogDataset(data.Record, "validation");
            Run.LogParams(Params(spec, data));
            Run.Flush();
        });
    }

    /// <summary>The run as the tracker records it.</summary>
    public Run Run { get; }

    /// <summary>The spec it runs.</summary>
    public RunSpec Spec { get; }

    /// <summary>The network, after <see cref="Build"/>.</summary>
    public Sequential Model => _model ?? throw new InvalidOperationException("call Build first");

    /// <summary>The training history, after <see cref="Fit"/>.</summary>
    public History History => _history ?? throw new InvalidOperationException("call Fit first");

    /// <summary>The evaluation of the validation split, after <see cref="Evaluate"/>.</summary>
    public ClassificationReport? Report { get; private set; }

    /// <summary>Builds the zoo model and records its architecture, parameter counts, summary and DOT graph.</summary>
    public ExperimentRun Build()
    {
        Stage(() =>
        {
            var zoo = new ZooOptions { Width = Spec.ModelWidth, Padding = Spec.PaddingMode, Seed = Spec.Seed };
            _model = ModelZoo.Build(Spec.Model, _data.InputShape, _data.Train.ClassNames.Count, zoo)
                .Compile(Optimizer.FromName(Spec.Optimizer, Spec.LearningRate), Loss.FromName(Spec.Loss));
            var parameters = _model.Parameters.ToList();
            var total = parameters.Sum(p => (long)p.Value.Length);
            var trainable = parameters.Where(p => p.Trainable && !p.IsState).Sum(p => (long)p.Value.Length);
            Run.LogModel(new ModelRecord(Spec.Model, _model.ArchitectureJson(), total, trainable, total * sizeof(float), _model.Dot()));
            Text("model/summary.txt", _model.Summary());
            Text("model/graph.dot", _model.Dot());
        });
        return this;
    }

    /// <summary>
    /// Trains, logging every epoch's loss, accuracy, validation loss and accuracy, learning rate and per-layer norms
    /// as it goes; then records epochs trained, the best epoch (lowest val_loss), the history as CSV, and the best and
    /// last weights. Cancelling stops at a batch boundary and marks the run killed, keeping its finished epochs.
    /// </summary>
    public ExperimentRun Fit(IReadOnlyList<Callback>? progress = null, CancellationToken cancellation = default)
    {
        Stage(() =>
        {
            var model = Model;
            var augment = _data.Augment;
            _validation = augment is null ? _data.Validation.Images : augment.Standardized(_data.Validation.Images);
            _bestWeights = Path.Combine(Path.GetTempPath(), $"podium-best-{Run.Id}.safetensors");
            var checkpoint = new ModelCheckpoint(_bestWeights, "val_loss", saveBestOnly: true);
            var early = Spec.FitMode == FitMode.EarlyStopping ? new EarlyStopping("val_loss", Spec.Patience) : null;
            var tracking = new TrackingCallback(Run);
            var callbacks = new List<Callback> { tracking, new TerminateOnNaN(), checkpoint };
            if (early is not null)
            {
                callbacks.Add(early);
            }

            callbacks.AddRange(progress ?? []);
            var clock = Stopwatch.StartNew();
            _history = model.Fit(_data.Train.Images, _data.Train.OneHot(), new FitOptions
            {
                Epochs = Spec.Epochs, BatchSize = Spec.BatchSize, Seed = Spec.Seed, Callbacks = callbacks,
                Validation = (_validation, _data.Validation.OneHot()), Cancellation = cancellation,
                Transform = augment is null ? null : augment.ForTraining(Spec.Seed),
            });
            var losses = _history.Values.GetValueOrDefault("val_loss") ?? [];
            var best = losses.Count == 0 ? 0 : losses.IndexOf(losses.Min()) + 1;
            Run.LogMetrics(new Dictionary<string, double>
            {
                [StandardKeys.EpochsTrained] = _history.Epochs,
                [StandardKeys.BestEpoch] = best,
                ["fit_seconds"] = clock.Elapsed.TotalSeconds,
                ["tracking_seconds"] = tracking.Spent.TotalSeconds,
            }, step: _history.Epochs);
            if (_history.StopReason is { } reason)
            {
                Run.SetTag("stop_reason", reason);
            }

            Text("history.csv", HistoryCsv(_history));
            if (File.Exists(_bestWeights))
            {
                Run.LogArtifactFile(_bestWeights, "weights/best.safetensors");
                File.Delete(_bestWeights);
            }

            var last = Path.Combine(Path.GetTempPath(), $"podium-last-{Run.Id}.safetensors");
            ModelWeights.Save(model, last);
            Run.LogArtifactFile(last, "weights/last.safetensors");
            File.Delete(last);
            Run.Flush();
            cancellation.ThrowIfCancellationRequested();
        });
        return this;
    }

    /// <summary>
    /// Evaluates the trained model on the validation split: precision, recall and F1 per class and averaged, ROC AUC,
    /// log loss and top-k as run metrics; the predictions as CSV; the learning curves, confusion matrix and ROC charts as SVG.
    /// </summary>
    public ExperimentRun Evaluate()
    {
        Stage(() =>
        {
            var probabilities = Model.Predict(_validation ?? throw new InvalidOperationException("call Fit first"));
            var names = _data.Validation.ClassNames;
            var report = ClassificationReport.Compute(names, _data.Validation.Labels, probabilities.Data);
            Report = report;
            var step = History.Epochs;
            var metrics = new Dictionary<string, double>
            {
                [StandardKeys.PrecisionMacro] = report.Macro.Precision,
                [StandardKeys.RecallMacro] = report.Macro.Recall,
                [StandardKeys.F1Macro] = report.Macro.F1,
                ["precision_weighted"] = report.Weighted.Precision,
                ["recall_weighted"] = report.Weighted.Recall,
                ["f1_weighted"] = report.Weighted.F1,
                [StandardKeys.RocAucMacro] = report.MacroRoc.Auc,
                ["roc_auc_micro"] = report.MicroRoc.Auc,
                ["log_loss"] = report.LogLoss,
                ["eval_accuracy"] = report.Accuracy,
            };
            if (names.Count > 2)
            {
                metrics["top_2_accuracy"] = report.TopKAccuracy(2);
            }

            foreach (var c in report.PerClass)
            {
                metrics[StandardKeys.PrecisionPrefix + c.Name] = c.Precision;
                metrics[StandardKeys.RecallPrefix + c.Name] = c.Recall;
                metrics["f1/" + c.Name] = c.F1;
            }

            Run.LogMetrics(metrics, step: step);
            for (var w = 0; w < report.Warnings.Count; w++)
            {
                Run.SetTag($"warning/{w + 1}", report.Warnings[w]);
            }

            Text("predictions.csv", PredictionsCsv(report, probabilities, names.Count));
            Text(EvaluationArtifact, EvaluationJson(report));
            var history = History.Values.ToDictionary(p => p.Key, p => (IReadOnlyList<double>)p.Value);
            Text("charts/learning_curves.svg", LearningCurveChart.Render(history, $"{Spec.DisplayName}: learning curves"));
            Text("charts/confusion_matrix.svg", ConfusionMatrixChart.Render(report.Confusion, $"{Spec.DisplayName}: confusion matrix (validation)"));
            Text("charts/roc_curves.svg", RocChart.Render(report, $"{Spec.DisplayName}: ROC curves (validation)"));
            Run.Flush();
        });
        return this;
    }

    /// <summary>Ends the run as finished and returns its leaderboard row.</summary>
    public LeaderboardTable Outputs()
    {
        if (!Run.IsEnded)
        {
            Run.End(RunStatus.Finished);
        }

        return _tracker.Leaderboard(new RunQuery(Field.Attribute("run_id").Is(Run.Id), [], null));
    }

    /// <summary>A run left without <see cref="Outputs"/> is marked failed, keeping everything recorded.</summary>
    public void Dispose()
    {
        if (_bestWeights is not null && File.Exists(_bestWeights))
        {
            File.Delete(_bestWeights);
        }

        Run.Dispose();
    }

    private void Stage(Action stage)
    {
        if (Run.IsEnded)
        {
            throw new InvalidOperationException($"run {Run.Id} has ended");
        }

        try
        {
            stage();
        }
        catch (OperationCanceledException)
        {
            Run.SetTag("stop_reason", "interrupted");
            Run.End(RunStatus.Killed);
            throw;
        }
        catch (Exception error)
        {
            Run.SetTag("error", error.Message);
            Run.End(RunStatus.Failed);
            throw;
        }
    }

    private void Text(string path, string content)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        Run.LogArtifact(path, stream);
    }

    private static Dictionary<string, object> Params(RunSpec spec, RegisteredData data) => new()
    {
        [StandardKeys.Model] = spec.Model,
        ["model_width"] = spec.ModelWidth,
        ["padding"] = spec.Padding,
        [StandardKeys.Optimizer] = spec.Optimizer,
        ["learning_rate"] = spec.LearningRate ?? Optimizer.FromName(spec.Optimizer).LearningRate,
        [StandardKeys.Loss] = spec.Loss,
        [StandardKeys.BatchSize] = spec.BatchSize,
        [StandardKeys.Epochs] = spec.Epochs,
        ["patience"] = spec.Patience,
        ["fit_mode"] = spec.FitMode == FitMode.NoStop ? "nostop" : "early",
        ["seed"] = spec.Seed,
        [StandardKeys.Channels] = data.InputShape[0],
        [StandardKeys.Height] = data.InputShape[1],
        [StandardKeys.Width] = data.InputShape[2],
        ["num_classes"] = data.Train.ClassNames.Count,
    };

    private static string HistoryCsv(History history)
    {
        var keys = history.Values.Keys.ToList();
        var csv = new StringBuilder("epoch," + string.Join(',', keys) + "\n");
        for (var e = 0; e < history.Epochs; e++)
        {
            csv.Append(e + 1);
            foreach (var key in keys)
            {
                var values = history.Values[key];
                csv.Append(',').Append(e < values.Count ? values[e].ToString("R", CultureInfo.InvariantCulture) : "");
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>{classes, confusion (true class per row), roc: [{label, auc, fpr, tpr}], micro, macro}; undefined values (a class without samples) are null.</summary>
    private static string EvaluationJson(ClassificationReport report)
    {
        var counts = report.Confusion.Counts;
        var confusion = Enumerable.Range(0, counts.GetLength(0)).Select(i => Enumerable.Range(0, counts.GetLength(1)).Select(j => counts[i, j]).ToArray()).ToArray();
        static object Curve(RocCurve c) => new Dictionary<string, object?>
        {
            ["label"] = c.Label, ["auc"] = Finite(c.Auc), ["fpr"] = c.FalsePositiveRate.Select(Finite), ["tpr"] = c.TruePositiveRate.Select(Finite),
        };
        static double? Finite(double v) => double.IsFinite(v) ? v : null;
        return System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["classes"] = report.Confusion.ClassNames, ["confusion"] = confusion,
            ["roc"] = report.Roc.Select(Curve).ToList(), ["micro"] = Curve(report.MicroRoc), ["macro"] = Curve(report.MacroRoc),
        });
    }

    private static string PredictionsCsv(ClassificationReport report, Tensor probabilities, int classes)
    {
        var csv = new StringBuilder("index,label,predicted," + string.Join(',', report.ClassNames.Select(n => "p_" + n.Replace(',', '_'))) + "\n");
        for (var i = 0; i < report.Count; i++)
        {
            csv.Append(i).Append(',').Append(report.Labels[i]).Append(',').Append(report.Predictions[i]);
            for (var c = 0; c < classes; c++)
            {
                csv.Append(',').Append(probabilities.Data[i * classes + c].ToString("R", CultureInfo.InvariantCulture));
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }
}
