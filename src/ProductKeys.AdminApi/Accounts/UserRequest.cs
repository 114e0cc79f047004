namespace ProductKeys.AdminApi.Accounts;

/// <summary>Body of POST /api/v1/organizations/{id}/users.</summary>
public sealed record UserRequest(string? Name, string? Password, string? DirectoryRole);
