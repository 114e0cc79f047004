using System.Text.Json;
using System.Text.Json.Serialization;
using ProductKeys.Core.Contracts;

namespace ProductKeys.Client.Activation;

/// <summary>
/// Source-generated JSON (web defaults) for what the client sends to and reads from the licensing
/// service and KMS hosts: no reflection at run time, so the library also works in a Native AOT program.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PublisherKeysResponse))]
[JsonSerializable(typeof(MakActivationRequest))]
[JsonSerializable(typeof(MakActivationResponse))]
[JsonSerializable(typeof(KmsHostActivationRequest))]
[JsonSerializable(typeof(KmsHostActivationResponse))]
[JsonSerializable(typeof(KmsActivationRequest))]
[JsonSerializable(typeof(KmsActivationResponse))]
internal sealed partial class ServiceJsonContext : JsonSerializerContext;
