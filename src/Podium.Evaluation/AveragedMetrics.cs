namespace Podium.Evaluation;

/// <summary>Precision, recall and F1 averaged over classes (macro, weighted) or over samples (micro).</summary>
public sealed record AveragedMetrics(double Precision, double Recall, double F1);
