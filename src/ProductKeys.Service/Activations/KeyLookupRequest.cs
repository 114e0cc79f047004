using ProductKeys.Core.Keys;
using ProductKeys.Data.Keys;

namespace ProductKeys.Service.Activations;

/// <summary>Body of <c>POST /api/v1/product-keys/lookup</c> (a POST, so keys stay out of URLs and access logs).</summary>
public sealed record KeyLookupRequest(string? Key);

/// <summary>What <c>pk mak count</c> shows: the key's use, never more of the key than its last five characters.</summary>
public sealed record KeyLookupResponse(
    Guid Id, string PartialKey, KeyType Type, string Product, Guid BillingAccountId, int ActivationsUsed, int ActivationLimit, KeyStatus Status);
