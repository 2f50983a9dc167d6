using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Podium.Nn.Layers;
using Podium.Nn.Serialization;
using Xunit;

namespace Podium.Nn.Tests.Serialization;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "podium-nn-tests", Guid.NewGuid().ToString("N"));

    public SafetensorsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name) => Path.Combine(_folder, name);

    private static Sequential Model(long seed, int units = 8) =>
        new Sequential("m").Add(new Conv2D(4, 3)).Add(new Flatten()).Add(new Dense(units)).Build([1, 6, 6], seed);

    /// <summary>A file written by hand from the format's description: u64 LE length, JSON header, raw data.</summary>
    private static byte[] HandMade(string header, params float[] values)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + values.Length * 4];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 + json.Length + i * 4), values[i]);
        }

        return bytes;
    }

    [Fact]
    public void Reads_a_file_built_by_hand_from_the_specification()
    {
        var path = File("hand.safetensors");
        System.IO.File.WriteAllBytes(path, HandMade(
            """{"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}""",
            1f, 2f, 3f, 4f, -1.5f, 0.25f));

        var (tensors, metadata) = Safetensors.Read(path);

        Assert.Equal([1f, 2f, 3f, 4f], tensors["a"].Data);
        Assert.Equal([2, 2], tensors["a"].Shape);
        Assert.Equal([-1.5f, 0.25f], tensors["b"].Data);
        Assert.Equal("pt", metadata["format"]);
    }

    [Fact]
    public void Written_files_follow_the_layout_when_parsed_independently()
    {
        var path = File("model.safetensors");
        var model = Model(1);

        ModelWeights.Save(model, path, new Dictionary<string, string> { ["podium"] = "test" });

        var bytes = System.IO.File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var kernel = header.RootElement.GetProperty("conv2d.kernel");
        Assert.Equal("F32", kernel.GetProperty("dtype").GetString());
        Assert.Equal([4, 1, 3, 3], kernel.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        var start = kernel.GetProperty("data_offsets")[0].GetInt32();
        var first = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + headerLength + start));
        Assert.Equal(model.Parameters.First().Value.Data[0], first);
        Assert.Equal("test", header.RootElement.GetProperty("__metadata__").GetProperty("podium").GetString());
    }

    [Fact]
    public void Save_then_load_restores_every_weight()
    {
        var path = File("round.safetensors");
        var saved = Model(1);
        ModelWeights.Save(saved, path);
        var loaded = Model(2);

        var names = ModelWeights.Load(loaded, path);

        Assert.Equal(4, names.Count);
        Assert.Equal(saved.Parameters.SelectMany(p => p.Value.Data), loaded.Parameters.SelectMany(p => p.Value.Data));
    }

    [Fact]
    public void A_shape_mismatch_names_the_tensor_and_both_shapes_and_changes_nothing()
    {
        var path = File("other.safetensors");
        ModelWeights.Save(Model(1, units: 5), path);
        var model = Model(2, units: 8);
        var before = model.Parameters.SelectMany(p => p.Value.Data).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, path, strict: false));

        Assert.Contains("'dense.kernel'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(64, 5)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(64, 8)", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.SelectMany(p => p.Value.Data));
    }

    [Fact]
    public void A_missing_tensor_is_named_unless_loading_a_subset()
    {
        var path = File("partial.safetensors");
        var source = Model(1);
        Safetensors.Write(path, source.Parameters.Take(2).Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Value)));
        var model = Model(2);

        var error = Assert.Throws<InvalidDataException>(() => ModelWeights.Load(model, path));
        var loaded = ModelWeights.Load(model, path, strict: false);

        Assert.Contains("'dense.kernel'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["conv2d.kernel", "conv2d.bias"], loaded);
        Assert.Equal(source.Parameters.First().Value.Data, model.Parameters.First().Value.Data);
    }

    [Theory]
    [InlineData("short", "shorter than")]
    [InlineData("huge-header", "does not fit")]
    [InlineData("bad-json", "not valid JSON")]
    [InlineData("f16", "dtype F16")]
    [InlineData("out-of-range", "byte range")]
    [InlineData("wrong-size", "byte range")]
    public void Broken_files_are_refused_with_the_problem_named(string kind, string problem)
    {
        var path = File(kind + ".safetensors");
        var bytes = kind switch
        {
            "short" => new byte[] { 1, 2, 3 },
            "huge-header" => HandMade("{}").Select((b, i) => i == 0 ? (byte)0xFF : b).ToArray(),
            "bad-json" => HandMade("{not json"),
            "f16" => HandMade("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 1f),
            "out-of-range" => HandMade("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,800]}}""", 1f, 2f),
            _ => HandMade("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 1f, 2f),
        };
        System.IO.File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => Safetensors.Read(path));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
