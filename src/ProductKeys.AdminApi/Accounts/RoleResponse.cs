namespace ProductKeys.AdminApi.Accounts;

/// <summary>Who holds which role.</summary>
public sealed record RoleResponse(string User, string Role);
