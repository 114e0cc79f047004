namespace ProductKeys.AdminApi.Accounts;

/// <summary>A billing account, with the caller's role on it (null for publisher staff without one).</summary>
public sealed record BillingAccountResponse(Guid Id, string Name, Guid OrganizationId, string? Role);
