using ProductKeys.AdminApi.Keys;
using ProductKeys.Data.Keys;
using WireKeyStatus = ProductKeys.AdminApi.Keys.KeyStatus;

namespace ProductKeys.Service.Keys;

/// <summary>Keys as the admin API shows them: stored rows mapped by hand to the wire records.</summary>
internal static class KeyWire
{
    public static KeyMetadata Metadata(IssuedKey k) =>
        new(k.Id, k.PartialKey, k.Type, k.ProductId, k.BillingAccountId, k.OrderId, k.ActivationsUsed, k.ActivationLimit, Status(k.Status));

    public static WireKeyStatus Status(Data.Keys.KeyStatus status) => status switch
    {
        Data.Keys.KeyStatus.Active => WireKeyStatus.Active,
        Data.Keys.KeyStatus.Blocked => WireKeyStatus.Blocked,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A key status the admin API does not know."),
    };
}
