using ProductKeys.Core.Keys;

namespace ProductKeys.AdminApi.Orders;

/// <summary>A key of a package, without its plaintext.</summary>
public sealed record PackageKeyResponse(Guid Id, KeyType Type, int ActivationLimit);
