using System.Globalization;
using System.Text;
using System.Text.Json;
using Podium.Nn.Layers;

namespace Podium.Nn;

/// <summary>A built model described for people and for the tracker: architecture JSON, a DOT graph, per-layer norms.</summary>
public static class ModelIntrospection
{
    /// <summary>Every layer with its type, config, output shape and parameter counts, as indented JSON.</summary>
    public static string ArchitectureJson(this Sequential model)
    {
        var layers = model.Layers.Select(Describe).ToList();
        var document = new Dictionary<string, object?>
        {
            ["name"] = model.Name,
            ["input_shape"] = model.InputShape,
            ["total_params"] = model.Parameters.Sum(p => (long)p.Value.Length),
            ["trainable_params"] = model.Parameters.Where(p => p.Trainable).Sum(p => (long)p.Value.Length),
            ["layers"] = layers,
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }

    private static Dictionary<string, object?> Describe(Module layer)
    {
        var description = new Dictionary<string, object?>
        {
            ["name"] = layer.Name,
            ["class_name"] = layer.GetType().Name,
            ["config"] = layer.Config,
            ["output_shape"] = layer.OutputShape,
            ["params"] = layer.Parameters.Sum(p => (long)p.Value.Length),
            ["trainable"] = layer.Trainable,
        };
        if (layer is ResidualBlock block)
        {
            description["body"] = block.Body.Select(Describe).ToList();
            description["projection"] = block.Projection.Select(Describe).ToList();
        }

        return description;
    }

    /// <summary>The network as a Graphviz DOT digraph: a box per layer with its type and output shape; residual blocks as clusters with their skip edge.</summary>
    public static string Dot(this Sequential model)
    {
        var dot = new StringBuilder();
        dot.Append("digraph ").Append(Quote(model.Name)).AppendLine(" {");
        dot.AppendLine("  rankdir=TB;");
        dot.AppendLine("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f6fa\", fontname=\"Helvetica\"];");
        dot.Append("  input [label=").Append(Quote("input\n" + Shape(model.InputShape))).AppendLine(", fillcolor=\"#ffffff\"];");
        var previous = "input";
        foreach (var layer in model.Layers)
        {
            previous = Emit(dot, layer, previous, "  ");
        }

        dot.AppendLine("}");
        return dot.ToString();
    }

    private static string Emit(StringBuilder dot, Module layer, string from, string indent)
    {
        if (layer is not ResidualBlock block)
        {
            var id = Id(layer.Name);
            dot.Append(indent).Append(id).Append(" [label=").Append(Quote($"{layer.Name}\n{layer.GetType().Name}\n{Shape(layer.OutputShape)}")).AppendLine("];");
            dot.Append(indent).Append(from).Append(" -> ").Append(id).AppendLine(";");
            return id;
        }

        dot.Append(indent).Append("subgraph ").Append(Id("cluster_" + block.Name)).AppendLine(" {");
        dot.Append(indent).Append("  label=").Append(Quote(block.Name)).AppendLine(";");
        var body = from;
        foreach (var m in block.Body)
        {
            body = Emit(dot, m, body, indent + "  ");
        }

        var shortcut = from;
        foreach (var m in block.Projection)
        {
            shortcut = Emit(dot, m, shortcut, indent + "  ");
        }

        var add = Id(block.Name + ".add");
        dot.Append(indent).Append("  ").Append(add).Append(" [label=").Append(Quote("add" + (block.Relu ? " + relu" : "") + "\n" + Shape(block.OutputShape))).AppendLine(", shape=ellipse];");
        dot.Append(indent).AppendLine("}");
        dot.Append(indent).Append(body).Append(" -> ").Append(add).AppendLine(";");
        dot.Append(indent).Append(shortcut).Append(" -> ").Append(add).AppendLine(block.Projection.Count == 0 ? " [style=dashed, label=\"identity\"];" : ";");
        return add;
    }

    /// <summary>L2 norms of each layer's weights and of their last gradients, for callbacks to log.</summary>
    public static IReadOnlyList<(string Layer, double WeightNorm, double GradientNorm)> Norms(this Sequential model) =>
        model.Layers.Where(l => l.Parameters.Any(p => !p.IsState))
            .Select(l => (l.Name, Norm(l.Parameters.Where(p => !p.IsState).Select(p => p.Value)), Norm(l.Parameters.Where(p => !p.IsState).Select(p => p.Grad))))
            .ToList();

    private static double Norm(IEnumerable<Tensor> tensors)
    {
        // Summed in a fixed order, in double: the same on every run.
        double sum = 0;
        foreach (var t in tensors)
        {
            foreach (var v in t.Data)
            {
                sum += (double)v * v;
            }
        }

        return Math.Sqrt(sum);
    }

    private static string Shape(int[]? shape) => shape is null ? "?" : "(None, " + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";

    private static string Id(string name) => Quote(name);

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
