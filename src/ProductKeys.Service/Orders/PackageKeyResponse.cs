using ProductKeys.Core.Keys;

namespace ProductKeys.Service.Orders;

internal sealed record PackageKeyResponse(Guid Id, KeyType Type, int ActivationLimit);
