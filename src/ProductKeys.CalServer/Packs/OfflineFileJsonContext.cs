using System.Text.Json;
using System.Text.Json.Serialization;
using ProductKeys.Core.Contracts;

namespace ProductKeys.CalServer.Packs;

/// <summary>Source-generated JSON for the CAL pack's offline activation files (web names, indented), as the KMS host writes its own.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(CalPackActivationResponse))]
[JsonSerializable(typeof(CalPackOfflineRequest))]
[JsonSerializable(typeof(CalPackOfflineResponse))]
internal sealed partial class OfflineFileJsonContext : JsonSerializerContext;
