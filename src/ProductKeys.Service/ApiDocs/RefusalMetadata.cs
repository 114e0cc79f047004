using ProductKeys.Core.Errors;

namespace ProductKeys.Service.ApiDocs;

/// <summary>Endpoint metadata: the catalogue codes an endpoint may refuse with (see <see cref="EndpointDocs.Refuses"/>).</summary>
internal sealed record RefusalMetadata(IReadOnlyList<ErrorCode> Codes);
