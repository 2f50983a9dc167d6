using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podium.Nn.Serialization;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range (relative to the end of the header), then the raw little-endian data.
/// Reading treats the file as hostile: every length and range is checked before use.
/// </summary>
public static class Safetensors
{
    private const long MaxHeader = 100L << 20;

    /// <summary>Writes float32 tensors by name, with optional string metadata.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata)
            {
                meta[key] = value;
            }

            header["__metadata__"] = meta;
        }

        long offset = 0;
        foreach (var (name, tensor) in list)
        {
            if (name == "__metadata__" || header.ContainsKey(name))
            {
                throw new ArgumentException($"tensor name '{name}' is reserved or used twice");
            }

            var bytes = (long)tensor.Length * sizeof(float);
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        var padded = (json.Length + 7) / 8 * 8;
        var temporary = path + ".partial";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            file.Write(length);
            file.Write(json);
            for (var i = json.Length; i < padded; i++)
            {
                file.WriteByte((byte)' ');
            }

            foreach (var (_, tensor) in list)
            {
                if (BitConverter.IsLittleEndian)
                {
                    file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Data.AsSpan()));
                }
                else
                {
                    var buffer = new byte[4];
                    foreach (var v in tensor.Data)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
                        file.Write(buffer);
                    }
                }
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads every F32 tensor of a file by name, and its metadata.</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names the problem.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
        {
            throw Bad(path, "shorter than the 8-byte header length");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)Math.Min(MaxHeader, bytes.Length - 8))
        {
            throw Bad(path, $"header length {headerLength} does not fit in the file of {bytes.Length} bytes");
        }

        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength)) as JsonObject ?? throw Bad(path, "the header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Bad(path, "the header is not valid JSON: " + e.Message);
        }

        var dataStart = 8 + (long)headerLength;
        var dataLength = bytes.Length - dataStart;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (key, value) in node as JsonObject ?? throw Bad(path, "__metadata__ is not an object"))
                {
                    metadata[key] = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw Bad(path, $"metadata '{key}' is not a string");
                }

                continue;
            }

            if (node is not JsonObject entry)
            {
                throw Bad(path, $"tensor '{name}' is not described by an object");
            }

            var dtype = entry["dtype"]?.GetValue<string>();
            if (dtype != "F32")
            {
                throw Bad(path, $"tensor '{name}' has dtype {dtype ?? "(none)"}; Podium reads F32");
            }

            var shape = (entry["shape"] as JsonArray ?? throw Bad(path, $"tensor '{name}' has no shape")).Select(d => d!.GetValue<int>()).ToArray();
            var offsets = (entry["data_offsets"] as JsonArray ?? throw Bad(path, $"tensor '{name}' has no data_offsets")).Select(d => d!.GetValue<long>()).ToArray();
            if (shape.Any(d => d < 0) || offsets.Length != 2)
            {
                throw Bad(path, $"tensor '{name}' has a negative dimension or malformed data_offsets");
            }

            long count = 1;
            foreach (var d in shape)
            {
                count = checked(count * d);
            }

            var (start, end) = (offsets[0], offsets[1]);
            if (start < 0 || end < start || end > dataLength || end - start != count * sizeof(float))
            {
                throw Bad(path, $"tensor '{name}' has byte range [{start}, {end}) that does not match shape {Tensor.Format(shape)} within {dataLength} data bytes");
            }

            var tensor = new Tensor(shape);
            var span = bytes.AsSpan((int)(dataStart + start), (int)(end - start));
            for (var i = 0; i < tensor.Length; i++)
            {
                tensor.Data[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(i * 4)..]);
            }

            tensors[name] = tensor;
        }

        return (tensors, metadata);
    }

    private static InvalidDataException Bad(string path, string problem) => new($"'{path}' is not a valid safetensors file: {problem}");
}
