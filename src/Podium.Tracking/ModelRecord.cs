namespace Podium.Tracking;

/// <summary>The network a run trained.</summary>
/// <param name="Name">The model's name (e.g. basic_cnn).</param>
/// <param name="ArchitectureJson">Every layer with its config, output shape and parameter count, as JSON.</param>
/// <param name="TotalParameters">All parameters.</param>
/// <param name="TrainableParameters">Parameters the optimizer updates.</param>
/// <param name="WeightBytes">Size of the weights in bytes.</param>
/// <param name="Dot">The network drawn as a Graphviz DOT graph.</param>
public sealed record ModelRecord(
    string Name,
    string ArchitectureJson,
    long TotalParameters,
    long TrainableParameters,
    long WeightBytes,
    string Dot);
