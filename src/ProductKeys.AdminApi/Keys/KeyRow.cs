using ProductKeys.Core.Keys;

namespace ProductKeys.AdminApi.Keys;

/// <summary>One key as its account's Billing administrators see it: with the plaintext.</summary>
public sealed record KeyRow(
    Guid Id, string Key, KeyType Type, string Product, Guid OrderId, int PurchasedQuantity,
    int ActivationsUsed, int ActivationLimit, KeyStatus Status);
