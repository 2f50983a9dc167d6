namespace Podium.Evaluation;

/// <summary>One class's precision, recall, F1 and support (the number of true samples of the class).</summary>
public sealed record ClassMetrics(string Name, double Precision, double Recall, double F1, int Support);
