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
            : new Refusal(ErrorCatalogue.NotFound, $"The result has no '{field}'{(filters.Count == 0 ? "" : " where " + string.Join(" and ", where))}{WhyNot(result, field, filters)}.");
    }

    /// <summary>
    /// What the NAMEs could have been (a new administrator's walkthrough: '--where order=ID' answered only "check the name, id
    /// or path", the member being 'orderId'): the members of the objects that have the field, else of every object.
    /// </summary>
    private static string WhyNot(JsonNode? result, string field, List<(string Name, string Value)> filters)
    {
        var withField = new List<string>();
        var all = new List<string>();
        Members(result, field, withField, all);
        if (withField.Count == 0)
        {
            return all.Count == 0 ? ": it is empty" : $": no object in it has that member; its members are {string.Join(", ", all)}";
        }

        var unknown = filters.Select(f => f.Name).Where(n => !withField.Contains(n, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        return unknown.Count > 0
            ? $": the objects with '{field}' have no member {string.Join(" or ", unknown.Select(n => $"'{n}'"))} (names are case-sensitive); theirs are {string.Join(", ", withField)}"
            : ": no object with it matches every --where (values compare case-insensitively)";
    }

    private static void Members(JsonNode? node, string field, List<string> withField, List<string> all)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Members(item, field, withField, all);
            }
        }
        else if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj)
            {
                if (!all.Contains(name, StringComparer.Ordinal))
                {
                    all.Add(name);
                }

                if (obj.ContainsKey(field) && !withField.Contains(name, StringComparer.Ordinal))
                {
                    withField.Add(name);
                }

                Members(child, field, withField, all);
            }
        }
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
