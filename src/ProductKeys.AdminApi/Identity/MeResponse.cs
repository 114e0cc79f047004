namespace ProductKeys.AdminApi.Identity;

/// <summary>GET /api/v1/me: who the bearer token belongs to.</summary>
public sealed record MeResponse(Guid Id, string Name, string DirectoryRole, Guid? OrganizationId);
