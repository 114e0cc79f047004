using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProductKeys.Client.Store;

/// <summary>
/// Source-generated JSON for <c>license.json</c>: web names, indented, enums as their names, nulls
/// left out — the same file the reflection serializer wrote, without reflection at run time. LF line ends
/// on every platform: these bytes are what the store's MAC covers (docs/formats/license-store-v3.md).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, NewLine = "\n", UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredLicense))]
internal sealed partial class LicenseStoreJsonContext : JsonSerializerContext;
