namespace ProductKeys.Service.ApiDocs;

/// <summary>Endpoint metadata: an example request body and answer (see <see cref="EndpointDocs.Example"/>).</summary>
internal sealed record ExampleMetadata(object? Request, object? Response);
