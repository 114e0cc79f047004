namespace ProductKeys.AdminApi.Accounts;

/// <summary>A billing profile with the caller's effective role on it.</summary>
public sealed record ProfileResponse(Guid Id, string Name, string? Role);
