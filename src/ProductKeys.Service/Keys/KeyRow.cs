using ProductKeys.Core.Keys;
using ProductKeys.Data.Keys;

namespace ProductKeys.Service.Keys;

/// <summary>One key as its account's Billing administrators see it: with the plaintext.</summary>
internal sealed record KeyRow(
    Guid Id, string Key, KeyType Type, string Product, Guid OrderId, int PurchasedQuantity,
    int ActivationsUsed, int ActivationLimit, KeyStatus Status);
