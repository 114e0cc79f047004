namespace ProductKeys.AdminApi.Identity;

/// <summary>A signed-in session: the bearer token (shown once) and who it is for.</summary>
public sealed record SessionResponse(string Token, string User, string DirectoryRole, Guid? OrganizationId);
