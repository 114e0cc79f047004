using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProductKeys.Client.Store;

/// <summary>
/// Source-generated JSON for <c>license.json</c>: web names, indented, enums as their names, nulls
/// left out — the same file the reflection serializer wrote, without reflection at run time.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredLicense))]
internal sealed partial class LicenseStoreJsonContext : JsonSerializerContext;
