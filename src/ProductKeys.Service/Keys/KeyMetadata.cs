using ProductKeys.Core.Keys;
using ProductKeys.Data.Keys;

namespace ProductKeys.Service.Keys;

/// <summary>A key as publisher staff see it: that it exists and how it is used, never the plaintext.</summary>
internal sealed record KeyMetadata(
    Guid Id, string PartialKey, KeyType Type, string Product, Guid BillingAccountId, Guid OrderId,
    int ActivationsUsed, int ActivationLimit, KeyStatus Status)
{
    public static KeyMetadata From(IssuedKey k) =>
        new(k.Id, k.PartialKey, k.Type, k.ProductId, k.BillingAccountId, k.OrderId, k.ActivationsUsed, k.ActivationLimit, k.Status);
}
