using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProductKeys.Cli.Device;
using ProductKeys.Core.Contracts;

namespace ProductKeys.Cli.Output;

/// <summary>
/// Every shape the device commands print or read, generated at build time so pk-device needs no
/// reflection (Native AOT). Web names (camelCase), enums as their names, indented.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(ExpiryView))]
[JsonSerializable(typeof(ErrorOutput))]
[JsonSerializable(typeof(OfflineActivationRequest))]
[JsonSerializable(typeof(OfflineActivationResponse))]
[JsonSerializable(typeof(ProductKeys.Client.Licensing.PublisherKeyTrust))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context commands print with: the generated settings, and text such as "'pk ato'" written
    /// as typed rather than as \u0027 escapes (output read by people and scripts, never put in HTML).
    /// </summary>
    public static CliJsonContext Output { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
