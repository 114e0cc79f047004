using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProductKeys.Cli.Device;

/// <summary>Source-generated JSON for <c>pk renew</c> and <c>pk agent</c> (no reflection: the device commands also build as Native AOT).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RenewalReport))]
internal sealed partial class RenewalJsonContext : JsonSerializerContext;
