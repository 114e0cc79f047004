namespace ProductKeys.AdminApi.Accounts;

/// <summary>Body of POST /api/v1/billing-accounts/{id}/roles.</summary>
public sealed record RoleRequest(string? User, string? Role);
