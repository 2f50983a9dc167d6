namespace Podium.Nn.Serialization;

/// <summary>Saves and loads a model's parameters by name in safetensors files.</summary>
public static class ModelWeights
{
    /// <summary>Writes every parameter under its name (e.g. conv2d.kernel).</summary>
    public static void Save(Sequential model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        Safetensors.Write(path, model.Parameters.Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Value)), metadata);

    /// <summary>
    /// Loads parameters by name. With <paramref name="strict"/>, every parameter must be in the file;
    /// otherwise only those present are loaded (transfer learning). A shape mismatch is an error unless
    /// <paramref name="skipMismatch"/> (Keras's skip_mismatch: a new head with another class count).
    /// Returns the names loaded. Nothing is changed when an error is thrown.
    /// </summary>
    public static IReadOnlyList<string> Load(Sequential model, string path, bool strict = true, bool skipMismatch = false)
    {
        var (tensors, _) = Safetensors.Read(path);
        var plan = new List<(Parameter Parameter, Tensor Source)>();
        foreach (var p in model.Parameters)
        {
            if (!tensors.TryGetValue(p.Name, out var source))
            {
                if (strict)
                {
                    throw new InvalidDataException($"'{path}' has no tensor '{p.Name}' for model {model.Name}; load with strict: false to load a subset");
                }

                continue;
            }

            if (!source.Shape.AsSpan().SequenceEqual(p.Value.Shape))
            {
                if (skipMismatch)
                {
                    continue;
                }

                throw new InvalidDataException($"tensor '{p.Name}' in '{path}' has shape {Tensor.Format(source.Shape)}, but the model's is {Tensor.Format(p.Value.Shape)}");
            }

            plan.Add((p, source));
        }

        foreach (var (p, source) in plan)
        {
            source.Data.CopyTo(p.Value.Data, 0);
        }

        return plan.Select(x => x.Parameter.Name).ToList();
    }
}
