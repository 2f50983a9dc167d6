namespace Podium.Tracking.Schema;

/// <summary>The artifact paths of a run recorded by Podium's pipeline, relative to the run's artifact folder.</summary>
public static class RunArtifacts
{
    /// <summary>The run spec the run was started from (JSON): what <c>podium reproduce</c> re-runs.</summary>
    public const string Spec = "spec.json";

    /// <summary>The model's summary, as Keras prints it.</summary>
    public const string ModelSummary = "model/summary.txt";

    /// <summary>The model's graph in Graphviz's DOT language.</summary>
    public const string ModelGraph = "model/graph.dot";

    /// <summary>Every epoch's logs as CSV, one row per epoch.</summary>
    public const string History = "history.csv";

    /// <summary>The weights of the best epoch (lowest val_loss), safetensors.</summary>
    public const string BestWeights = "weights/best.safetensors";

    /// <summary>The weights after the last epoch, safetensors.</summary>
    public const string LastWeights = "weights/last.safetensors";

    /// <summary>Each validation sample's label, prediction and class probabilities, CSV.</summary>
    public const string Predictions = "predictions.csv";

    /// <summary>The evaluation: class names, confusion matrix and ROC curves (JSON, see Podium.Evaluation's EvaluationRecord).</summary>
    public const string Evaluation = "evaluation.json";

    /// <summary>Loss and accuracy per epoch, training and validation, SVG.</summary>
    public const string LearningCurvesChart = "charts/learning_curves.svg";

    /// <summary>The validation confusion matrix, SVG.</summary>
    public const string ConfusionMatrixChart = "charts/confusion_matrix.svg";

    /// <summary>One-vs-rest ROC curves on the validation data, SVG.</summary>
    public const string RocCurvesChart = "charts/roc_curves.svg";

    /// <summary>The validation split's most confident mistakes and a few correct examples per class, as JSON naming PNGs beside it.</summary>
    public const string Gallery = "gallery/gallery.json";

    /// <summary>A few training images per class, as JSON naming PNGs beside it (what the dataset page shows).</summary>
    public const string Samples = "data/samples.json";

    /// <summary>The evaluation of the test split, when the data has one (JSON, as <see cref="Evaluation"/>).</summary>
    public const string TestEvaluation = "evaluation_test.json";

    /// <summary>The test confusion matrix, SVG.</summary>
    public const string TestConfusionMatrixChart = "charts/confusion_matrix_test.svg";

    /// <summary>One-vs-rest ROC curves on the test data, SVG.</summary>
    public const string TestRocCurvesChart = "charts/roc_curves_test.svg";
}
