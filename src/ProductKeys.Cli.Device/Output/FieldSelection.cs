using System.Text.Json;
using System.Text.Json.Nodes;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Output;

/// <summary>
/// <c>--field NAME [--where NAME=VALUE]…</c>: picks single values out of a command's JSON result so a
/// shell script needs neither jq nor a JSON parser. Every object in the result, depth first, that
/// has the member and matches every filter gives one line.
/// </summary>
internal static class FieldSelection
{
    public static Outcome<List<string>> Select(JsonNode? result, string field, IReadOnlyList<string> where)
    {
        var filters = new List<(string Name, string Value)>();
        foreach (var condition in where)
        {
            var equals = condition.IndexOf('=', StringComparison.Ordinal);
            if (equals < 1)
            {
                return new Refusal(ErrorCatalogue.UsageInvalid, $"--where takes NAME=VALUE, not '{condition}'.");
            }

            filters.Add((condition[..equals], condition[(equals + 1)..]));
        }

        var values = new List<string>();
        Collect(result, field, filters, values);
        return values.Count > 0
            ? values
            : new Refusal(ErrorCatalogue.NotFound, $"The result has no '{field}'{(filters.Count == 0 ? "" : " where " + string.Join(" and ", where))}.");
    }

    private static void Collect(JsonNode? node, string field, List<(string Name, string Value)> filters, List<string> values)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Collect(item, field, filters, values);
            }
        }
        else if (node is JsonObject obj)
        {
            if (obj.TryGetPropertyValue(field, out var value) && filters.All(f => string.Equals(Text(obj[f.Name]), f.Value, StringComparison.OrdinalIgnoreCase)))
            {
                values.Add(Text(value) ?? "");
            }

            foreach (var (_, child) in obj)
            {
                Collect(child, field, filters, values);
            }
        }
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
