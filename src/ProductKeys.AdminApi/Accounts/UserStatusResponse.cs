namespace ProductKeys.AdminApi.Accounts;

/// <summary>A user after a lifecycle change (disable, enable, new password): whether they may sign in, and how many sessions ended.</summary>
public sealed record UserStatusResponse(Guid Id, string Name, string DirectoryRole, Guid? OrganizationId, bool Disabled, int SessionsRevoked);
