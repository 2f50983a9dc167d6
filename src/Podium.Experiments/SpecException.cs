namespace Podium.Experiments;

/// <summary>A run or sweep spec that cannot run, naming the field and what is wrong with it.</summary>
public sealed class SpecException(string field, string problem) : Exception($"{field}: {problem}")
{
    /// <summary>The field at fault, e.g. batch_size.</summary>
    public string Field { get; } = field;
}
