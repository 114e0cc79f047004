using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProductKeys.Core.Certificates;

/// <summary>
/// Source-generated JSON for the <c>products</c> field of a host certificate (web defaults, the same
/// bytes the reflection serializer wrote, as the committed test vectors check): no reflection at run
/// time, so the KMS host also runs as a Native AOT executable.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<KmsProductCoverage>))]
[JsonSerializable(typeof(List<KmsProductCoverage>))]
[JsonSerializable(typeof(List<UsageLine>))]
internal sealed partial class KmsCertificateJsonContext : JsonSerializerContext;
