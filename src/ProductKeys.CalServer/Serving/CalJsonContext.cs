using System.Text.Json;
using System.Text.Json.Serialization;
using ProductKeys.Core.Contracts;

namespace ProductKeys.CalServer.Serving;

/// <summary>
/// Source-generated JSON for the CAL request and answer, and the pack installation's call to the service (web defaults, the shape the reflection serializer
/// wrote): no reflection or emitted code per type at run time, which the Native AOT server (pk-cal-server) needs.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(CalRequest))]
[JsonSerializable(typeof(CalResponse))]
[JsonSerializable(typeof(CalPackActivationRequest))]
[JsonSerializable(typeof(CalPackActivationResponse))]
internal sealed partial class CalJsonContext : JsonSerializerContext;
