namespace ProductKeys.Data.Accounts;

/// <summary>A bearer token; only its SHA-256 is stored, the token itself is shown once.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary>Lower-case hex SHA-256 of the token.</summary>
    public required string TokenHash { get; set; }

    /// <summary>Why it exists, e.g. <c>session</c> or <c>demo</c>.</summary>
    public required string Label { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// When it stops working; sign-in sessions slide it forward on use, up to an absolute cap.
    /// Null for tokens issued before lifetimes existed: they expire <c>Tokens:Lifetime</c> after <see cref="CreatedAt"/>.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}
