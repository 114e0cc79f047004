using System.Text.Json;
using System.Text.Json.Serialization;
using ProductKeys.Core.Contracts;

namespace ProductKeys.KmsHost.Activation;

/// <summary>Source-generated JSON for the offline activation files (web names, indented), as the reflection serializer wrote them.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(KmsHostActivationRequest))]
[JsonSerializable(typeof(KmsHostActivationResponse))]
[JsonSerializable(typeof(KmsHostOfflineRequest))]
[JsonSerializable(typeof(KmsHostOfflineResponse))]
internal sealed partial class OfflineFileJsonContext : JsonSerializerContext;
