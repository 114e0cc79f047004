using System.Text.Json;
using System.Text.Json.Serialization;
using ProductKeys.Core.Contracts;

namespace ProductKeys.KmsHost.Clients;

/// <summary>
/// Source-generated JSON for the one request and answer on the hot path (web defaults, the same
/// shape the reflection serializer wrote): no reflection or emitted code per type at run time.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(KmsActivationRequest))]
[JsonSerializable(typeof(KmsActivationResponse))]
internal sealed partial class KmsJsonContext : JsonSerializerContext;
