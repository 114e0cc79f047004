namespace ProductKeys.AdminApi.Accounts;

/// <summary>A user of an organization.</summary>
public sealed record UserResponse(Guid Id, string Name, string DirectoryRole, Guid OrganizationId);
