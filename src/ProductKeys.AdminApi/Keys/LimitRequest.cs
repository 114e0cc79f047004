namespace ProductKeys.AdminApi.Keys;

/// <summary>Body of POST /api/v1/keys/{keyId}/limit.</summary>
public sealed record LimitRequest(int? ActivationLimit);
