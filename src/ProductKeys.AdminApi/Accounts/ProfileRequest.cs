namespace ProductKeys.AdminApi.Accounts;

/// <summary>Body of POST /api/v1/billing-accounts/{id}/profiles.</summary>
public sealed record ProfileRequest(string? Name);
