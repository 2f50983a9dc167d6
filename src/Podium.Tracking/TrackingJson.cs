using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podium.Tracking;

/// <summary>
/// The JSON Podium's server and its remote store speak: snake_case names, enums as lower-case text,
/// NaN and infinities as the strings "NaN", "Infinity" and "-Infinity".
/// </summary>
public static class TrackingJson
{
    /// <summary>Options with these conventions, made read-only with every protocol record's metadata built.</summary>
    public static JsonSerializerOptions Options { get; } = Prepared(Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    // The protocol's metadata built once, here, on one thread: a worker's lease renewal and its main thread sending
    // their first requests at the same moment once raced to build the same record's metadata ("an item with the
    // same key has already been added: ClaimTrialRequest").
    private static JsonSerializerOptions Prepared(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        foreach (var type in typeof(Protocol.ProtocolJson).GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => a.ConstructorArguments[0].Value).OfType<Type>())
        {
            options.GetTypeInfo(type);
        }

        return options;
    }

    /// <summary>Sets these conventions on existing options and returns them.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        // The protocol's records come from build-time metadata; anything else (anonymous answers) by reflection.
        options.TypeInfoResolverChain.Insert(0, Protocol.ProtocolJson.Default);
        return options;
    }
}

/// <summary>A param as <c>{"kind": "number", "text": "0.001", "number": 0.001}</c>; read back exactly, kind included.</summary>
internal sealed class ParamValueJsonConverter : JsonConverter<ParamValue>
{
    public override ParamValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a param must be an object with kind and text");
        }

        string? kind = null, text = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "kind":
                    kind = reader.GetString();
                    break;
                case "text":
                    text = reader.GetString();
                    break;
                default:
                    if (!reader.TrySkip())
                    {
                        throw new JsonException("a param's value is cut short");
                    }

                    break;
            }
        }

        return ParamValue.Parse(kind ?? throw new JsonException("a param has no kind"), text ?? throw new JsonException("a param has no text"));
    }

    public override void Write(Utf8JsonWriter writer, ParamValue value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", ParamValue.KindName(value.Kind));
        writer.WriteString("text", value.Text);
        writer.WritePropertyName("number");
        switch (value.Number)
        {
            case null:
                writer.WriteNullValue();
                break;
            case { } number when double.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            default:
                writer.WriteStringValue(value.Text);
                break;
        }

        writer.WriteEndObject();
    }
}
