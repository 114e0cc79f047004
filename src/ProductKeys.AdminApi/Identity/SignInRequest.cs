namespace ProductKeys.AdminApi.Identity;

/// <summary>Body of POST /api/v1/sessions.</summary>
public sealed record SignInRequest(string? User, string? Password);
