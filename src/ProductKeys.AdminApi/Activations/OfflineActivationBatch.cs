using ProductKeys.Core.Contracts;

namespace ProductKeys.AdminApi.Activations;

/// <summary>Body of POST /api/v1/offline-activations: requests from air-gapped devices.</summary>
public sealed record OfflineActivationBatch(IReadOnlyList<OfflineActivationRequest>? Requests);
