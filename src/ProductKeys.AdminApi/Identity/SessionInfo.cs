namespace ProductKeys.AdminApi.Identity;

/// <summary>A sign-in session (bearer token) as administrators see it; never the token itself.</summary>
public sealed record SessionInfo(Guid Id, string User, string Label, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Current);
