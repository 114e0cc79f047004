namespace ProductKeys.AdminApi.Accounts;

/// <summary>A new password for a user (<c>POST /users/{name}/password</c>).</summary>
public sealed record PasswordRequest(string? Password);
