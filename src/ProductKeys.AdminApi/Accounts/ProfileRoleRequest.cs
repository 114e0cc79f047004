namespace ProductKeys.AdminApi.Accounts;

/// <summary>Body of POST .../profiles/{profileId}/roles.</summary>
public sealed record ProfileRoleRequest(string? User, string? Role);
