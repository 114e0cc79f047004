namespace ProductKeys.Data.Accounts;

/// <summary>A person who signs in; publisher staff have no organization.</summary>
public sealed class User
{
    public Guid Id { get; set; }

    /// <summary>The sign-in name, unique across the service.</summary>
    public required string Name { get; set; }

    public Guid? OrganizationId { get; set; }

    public DirectoryRole DirectoryRole { get; set; }

    /// <summary>ASP.NET Core Identity password hash (PBKDF2, versioned).</summary>
    public required string PasswordHash { get; set; }

    /// <summary>A disabled user cannot sign in and no token of theirs is accepted.</summary>
    public bool IsDisabled { get; set; }
}
