using ProductKeys.Core.Contracts;

namespace ProductKeys.Service.Activations;

/// <summary>Body of <c>POST /api/v1/offline-activations</c> and its answer: one response per request, in order.</summary>
public sealed record OfflineActivationBatch(IReadOnlyList<OfflineActivationRequest>? Requests);

/// <summary>The responses, in the order of the requests.</summary>
public sealed record OfflineActivationResults(IReadOnlyList<OfflineActivationResponse> Responses);
