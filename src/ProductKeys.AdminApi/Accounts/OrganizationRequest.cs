namespace ProductKeys.AdminApi.Accounts;

/// <summary>Body of POST /api/v1/organizations.</summary>
public sealed record OrganizationRequest(string? Name);
