using Microsoft.AspNetCore.Identity;
using ProductKeys.Data.Accounts;

namespace ProductKeys.Service.Identity;

/// <summary>ASP.NET Core Identity's versioned PBKDF2 hasher, without the rest of Identity.</summary>
internal static class Passwords
{
    private static readonly PasswordHasher<User> Hasher = new();

    public static string Hash(User user, string password) => Hasher.HashPassword(user, password);

    public static bool Verify(User user, string password) =>
        Hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;

    /// <summary>A user with the hash of a random password, checked when the name does not exist.</summary>
    public static readonly User Decoy = new() { Name = "decoy", PasswordHash = Hasher.HashPassword(new User { Name = "decoy", PasswordHash = "" }, Guid.NewGuid().ToString()) };
}
