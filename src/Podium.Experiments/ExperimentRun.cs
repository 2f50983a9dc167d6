using System.Diagnostics;
using System.Globalization;
using System.Text;
using Podium.Evaluation;
using Podium.Evaluation.Charts;
using Podium.Nn;
using Podium.Nn.Losses;
using Podium.Nn.Optimizers;
using Podium.Nn.Serialization;
using Podium.Nn.Training;
using Podium.Nn.Training.Callbacks;
using Podium.Tracking;
using Podium.Tracking.Leaderboards;
using Podium.Tracking.Query;
using Podium.Tracking.Schema;
using Podium.Vision.Models;

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
                Text(RunArtifacts.Spec, specJson);
            }

            Run.LogDataset(data.Record, "train", data.AugmentationsJson);
            Run.LogDataset(data.Record, "validation");
            if (data.Test is not null)
            {
                Run.LogDataset(data.Record, "test");
            }

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

    /// <summary>The evaluation of the test split, after <see cref="Evaluate"/>; null when the data has none.</summary>
    public ClassificationReport? TestReport { get; private set; }

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
            Text(RunArtifacts.ModelSummary, _model.Summary());
            Text(RunArtifacts.ModelGraph, _model.Dot());
        });
        return this;
    }

    /// <summary>
    /// Trains, logging every epoch's loss, accuracy, validation loss and accuracy, learning rate and per-layer norms
    /// as it goes; then records epochs trained, the best epoch (lowest val_loss), the history as CSV, and the best and
    /// last weights. Cancelling stops at a batch boundary and marks the run killed, keeping its finished epochs.
    /// </summary>
    public ExperimentRun Fit(TrainingOptions? options = null)
    {
        options ??= new TrainingOptions();
        var cancellation = options.Cancellation;
        options.ApplyThreads();

        Stage(() =>
        {
            var model = Model;
            var augment = _data.Augment;
            _validation = augment is null ? _data.Validation.Images : augment.Standardized(_data.Validation.Images);
            _bestWeights = Path.Combine(Path.GetTempPath(), $"podium-best-{Run.Id}.safetensors");
            var checkpoint = new ModelCheckpoint(_bestWeights, RunMetrics.ValLoss, saveBestOnly: true);
            var early = Spec.FitMode == FitMode.EarlyStopping ? new EarlyStopping(RunMetrics.ValLoss, Spec.Patience) : null;
            var tracking = new TrackingCallback(Run);
            var callbacks = new List<Callback> { tracking, new TerminateOnNaN(), checkpoint };
            if (early is not null)
            {
                callbacks.Add(early);
            }

            if (options.Progress is { } progress)
            {
                callbacks.Add(new ProgressBar(progress, options.ProgressOnTerminal, options.ProgressWidth));
            }

            var clock = Stopwatch.StartNew();
            _history = model.Fit(_data.Train.Images, _data.Train.OneHot(), new FitOptions
            {
                Epochs = Spec.Epochs, BatchSize = Spec.BatchSize, Seed = Spec.Seed, Callbacks = callbacks,
                Validation = (_validation, _data.Validation.OneHot()), Cancellation = cancellation, Verbose = options.Progress is null ? options.Verbose : 0,
                Transform = augment is null ? null : augment.ForTraining(Spec.Seed),
            });
            Run.LogMetrics(new Dictionary<string, double>
            {
                [RunMetrics.EpochsTrained] = _history.Epochs,
                [RunMetrics.BestEpoch] = checkpoint.BestEpoch,
                [RunMetrics.FitSeconds] = clock.Elapsed.TotalSeconds,
                [RunMetrics.TrackingSeconds] = tracking.Spent.TotalSeconds,
            }, step: _history.Epochs);
            if (_history.StopReason is { } reason)
            {
                Run.SetTag(RunTags.StopReason, reason);
            }

            Text(RunArtifacts.History, HistoryCsv(_history));
            if (File.Exists(_bestWeights))
            {
                Run.LogArtifactFile(_bestWeights, RunArtifacts.BestWeights);
                File.Delete(_bestWeights);
            }

            var last = Path.Combine(Path.GetTempPath(), $"podium-last-{Run.Id}.safetensors");
            ModelWeights.Save(model, last);
            Run.LogArtifactFile(last, RunArtifacts.LastWeights);
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
            Run.LogMetrics(Metrics(report), step: step);
            for (var w = 0; w < report.Warnings.Count; w++)
            {
                Run.SetTag(RunTags.Warning(w + 1), report.Warnings[w]);
            }

            Text(RunArtifacts.Predictions, PredictionsCsv(report, probabilities, names.Count));
            Text(RunArtifacts.Evaluation, EvaluationRecord.From(report).ToJson());
            var history = History.Values.ToDictionary(p => p.Key, p => (IReadOnlyList<double>)p.Value);
            Text(RunArtifacts.LearningCurvesChart, LearningCurveChart.Render(history, $"{Spec.DisplayName}: learning curves"));
            Text(RunArtifacts.ConfusionMatrixChart, ConfusionMatrixChart.Render(report.Confusion, $"{Spec.DisplayName}: confusion matrix (validation)"));
            Text(RunArtifacts.RocCurvesChart, RocChart.Render(report, $"{Spec.DisplayName}: ROC curves (validation)"));
            if (_data.Validation.Images.Shape[1] is 1 or 3)
            {
                Records.Gallery.LogPredictions(Run, "validation", _data.Validation.Images, _data.Validation.Labels, report.Predictions, probabilities.Data, names);
                Records.Gallery.LogSamples(Run, "train", _data.Train.Images, _data.Train.Labels, _data.Train.ClassNames);
            }

            // A test split is seen once, here, after every choice was made on validation: test_* metrics and charts.
            if (_data.Test is { } test)
            {
                var images = _data.Augment is { } augment ? augment.Standardized(test.Images) : test.Images;
                var tested = ClassificationReport.Compute(names, test.Labels, Model.Predict(images).Data);
                TestReport = tested;
                Run.LogMetrics(Metrics(tested).ToDictionary(m => RunMetrics.TestPrefix + (m.Key == RunMetrics.EvalAccuracy ? RunMetrics.Accuracy : m.Key), m => m.Value), step: step);
                Text(RunArtifacts.TestEvaluation, EvaluationRecord.From(tested).ToJson());
                Text(RunArtifacts.TestConfusionMatrixChart, ConfusionMatrixChart.Render(tested.Confusion, $"{Spec.DisplayName}: confusion matrix (test)"));
                Text(RunArtifacts.TestRocCurvesChart, RocChart.Render(tested, $"{Spec.DisplayName}: ROC curves (test)"));
            }

            Run.Flush();
        });
        return this;
    }

    /// <summary>The metrics an evaluation logs: averaged and per-class scores, ROC AUC, log loss, accuracy and top-2.</summary>
    private static Dictionary<string, double> Metrics(ClassificationReport report)
    {
        var metrics = new Dictionary<string, double>
        {
            [RunMetrics.PrecisionMacro] = report.Macro.Precision,
            [RunMetrics.RecallMacro] = report.Macro.Recall,
            [RunMetrics.F1Macro] = report.Macro.F1,
            [RunMetrics.PrecisionWeighted] = report.Weighted.Precision,
            [RunMetrics.RecallWeighted] = report.Weighted.Recall,
            [RunMetrics.F1Weighted] = report.Weighted.F1,
            [RunMetrics.RocAucMacro] = report.MacroRoc.Auc,
            [RunMetrics.RocAucMicro] = report.MicroRoc.Auc,
            [RunMetrics.LogLoss] = report.LogLoss,
            [RunMetrics.EvalAccuracy] = report.Accuracy,
        };
        if (report.ClassNames.Count > 2)
        {
            metrics[RunMetrics.Top2Accuracy] = report.TopKAccuracy(2);
        }

        foreach (var c in report.PerClass)
        {
            metrics[RunMetrics.PrecisionPrefix + c.Name] = c.Precision;
            metrics[RunMetrics.RecallPrefix + c.Name] = c.Recall;
            metrics[RunMetrics.F1Prefix + c.Name] = c.F1;
        }

        return metrics;
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
            Run.SetTag(RunTags.StopReason, "interrupted");
            Run.End(RunStatus.Killed);
            throw;
        }
        catch (Exception error)
        {
            Run.SetTag(RunTags.Error, error.Message);
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
        [RunParams.Model] = spec.Model,
        [RunParams.ModelWidth] = spec.ModelWidth,
        [RunParams.Padding] = spec.Padding,
        [RunParams.Optimizer] = spec.Optimizer,
        [RunParams.LearningRate] = spec.LearningRate ?? Optimizer.FromName(spec.Optimizer).LearningRate,
        [RunParams.Loss] = spec.Loss,
        [RunParams.BatchSize] = spec.BatchSize,
        [RunParams.Epochs] = spec.Epochs,
        [RunParams.Patience] = spec.Patience,
        [RunParams.FitMode] = spec.FitMode == FitMode.NoStop ? "nostop" : "early",
        [RunParams.Seed] = spec.Seed,
        [RunParams.Channels] = data.InputShape[0],
        [RunParams.Height] = data.InputShape[1],
        [RunParams.Width] = data.InputShape[2],
        [RunParams.NumClasses] = data.Train.ClassNames.Count,
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
