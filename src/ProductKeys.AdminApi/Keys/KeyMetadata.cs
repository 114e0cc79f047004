using ProductKeys.Core.Keys;

namespace ProductKeys.AdminApi.Keys;

/// <summary>A key as publisher staff see it: that it exists and how it is used, never the plaintext.</summary>
public sealed record KeyMetadata(
    Guid Id, string PartialKey, KeyType Type, string Product, Guid BillingAccountId, Guid OrderId,
    int ActivationsUsed, int ActivationLimit, KeyStatus Status);
