using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProductKeys.Service.Hosting;

/// <summary>
/// Every JSON string the API reads must be text a database can keep: no NUL (PostgreSQL refuses it in any string, which
/// answered 500 where an endpoint looked such a value up) and no half of a surrogate pair. One rule for every field, so an
/// endpoint added later is covered too; the body is refused as <c>VALIDATION_FAILED</c> naming the field, before any handler runs.
/// </summary>
internal sealed class StorableStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string, found {reader.TokenType}.");
        }

        var text = reader.GetString()!;
        return Accounts.Names.IsStorableText(text) ? text : throw new JsonException("A text value holds a NUL character or half of a surrogate pair.");
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
