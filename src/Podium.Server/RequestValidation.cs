using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Podium.Server;

/// <summary>
/// Checks every request body member by member before a handler runs: a member that cannot be null but was left
/// out (or is a null element of a list), or text that is not valid Unicode (a lone UTF-16 surrogate), is answered
/// 400 naming the member's path, e.g. <c>metrics[0]</c> or <c>dataset.splits</c>.
/// </summary>
internal static class RequestValidation
{
    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, NullabilityInfo Info)[]> Members = new();
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The endpoint filter: validates each argument that is one of Podium's request records.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is not null && IsRecord(argument.GetType()))
            {
                Check(argument, "");
            }
        }

        return await next(context);
    }

    private static bool IsRecord(Type type) =>
        type is { IsClass: true, Namespace: { } ns } && (ns.StartsWith("Podium.", StringComparison.Ordinal) || ns == "Podium") && !typeof(HttpContext).IsAssignableFrom(type);

    /// <exception cref="ArgumentException">A member is missing or null, or text is not valid Unicode; names the path.</exception>
    private static void Check(object value, string path)
    {
        switch (value)
        {
            case string text:
                Text(text, path);
                return;
            case System.Text.Json.JsonElement json:
                Json(json, path);
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = entry.Key as string ?? entry.Key.ToString() ?? "";
                    Text(key, path);
                    if (entry.Value is { } item)
                    {
                        Check(item, $"{path}.{key}");
                    }
                }

                return;
            case IEnumerable list when value.GetType().IsArray || value is IList:
                // Arrays of numbers (a series' steps and values, 50,000 in a batch) hold nothing to check: not boxed one by one.
                if (ElementType(value.GetType()) is { IsValueType: true } element && element != typeof(System.Text.Json.JsonElement))
                {
                    return;
                }

                var index = 0;
                foreach (var item in list)
                {
                    if (item is not null)
                    {
                        Check(item, $"{path}[{index}]");
                    }

                    index++;
                }

                return;
        }

        if (!IsRecord(value.GetType()))
        {
            return;
        }

        foreach (var (property, info) in Members.GetOrAdd(value.GetType(), Describe))
        {
            var name = Name(path, property.Name);
            var member = property.GetValue(value);
            if (member is null)
            {
                if (info.ReadState == NullabilityState.NotNull)
                {
                    throw new ArgumentException($"{name} is required and cannot be null");
                }

                continue;
            }

            // Elements of a list (and values of a dictionary) that cannot be null.
            var elements = info.ElementType ?? (info.GenericTypeArguments.Length > 0 ? info.GenericTypeArguments[^1] : null);
            if (elements is { ReadState: NullabilityState.NotNull } && member is IEnumerable items and not string)
            {
                if (member is IDictionary map)
                {
                    foreach (DictionaryEntry entry in map)
                    {
                        _ = entry.Value ?? throw new ArgumentException($"{name}.{entry.Key} cannot be null");
                    }
                }
                else if (ElementType(member.GetType()) is not { IsValueType: true })
                {
                    var index = 0;
                    foreach (var item in items)
                    {
                        _ = item ?? throw new ArgumentException($"{name}[{index}] cannot be null");
                        index++;
                    }
                }
            }

            Check(member, name);
        }
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static (PropertyInfo, NullabilityInfo)[] Describe(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            // Value-typed members (numbers, times) can be neither null nor bad text, except free-form JSON.
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && p.GetMethod is { IsStatic: false } && p.Name != "EqualityContract"
                && (!p.PropertyType.IsValueType || p.PropertyType == typeof(System.Text.Json.JsonElement)))
            .Select(p => (p, Nullability.Create(p)))];

    // Free-form JSON (a param's value): every string in it, keys included, must be readable text.
    private static void Json(System.Text.Json.JsonElement json, string path)
    {
        switch (json.ValueKind)
        {
            case System.Text.Json.JsonValueKind.String:
                try
                {
                    Text(json.GetString()!, path);
                }
                catch (InvalidOperationException)
                {
                    throw new ArgumentException($"{path} is not valid Unicode text (it holds a lone UTF-16 surrogate, or bytes that are not UTF-8)");
                }

                break;
            case System.Text.Json.JsonValueKind.Array:
                var index = 0;
                foreach (var item in json.EnumerateArray())
                {
                    Json(item, $"{path}[{index++}]");
                }

                break;
            case System.Text.Json.JsonValueKind.Object:
                foreach (var member in json.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = member.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        throw new ArgumentException($"{path} has a member whose name is not valid Unicode text (a lone UTF-16 surrogate, or bytes that are not UTF-8)");
                    }

                    Text(name, $"{path} (a member's name)");
                    Json(member.Value, $"{path}.{name}");
                }

                break;
        }
    }

    private static void Text(string text, string path)
    {
        try
        {
            Strict.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"{(path.Length == 0 ? "a value" : path)} is not valid Unicode text (it holds a lone UTF-16 surrogate)");
        }
    }

    // The names the API's bodies spell (snake_case, as TrackingJson writes them).
    private static string Name(string path, string property)
    {
        var json = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property);
        return path.Length == 0 ? json : $"{path}.{json}";
    }
}
