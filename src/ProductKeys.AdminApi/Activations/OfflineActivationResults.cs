using ProductKeys.Core.Contracts;

namespace ProductKeys.AdminApi.Activations;

/// <summary>The responses, in the order of the requests.</summary>
public sealed record OfflineActivationResults(IReadOnlyList<OfflineActivationResponse> Responses);
