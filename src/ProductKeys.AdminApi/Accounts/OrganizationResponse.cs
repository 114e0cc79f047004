namespace ProductKeys.AdminApi.Accounts;

/// <summary>A customer organization.</summary>
public sealed record OrganizationResponse(Guid Id, string Name);
