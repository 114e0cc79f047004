using System.Security.Cryptography;
using System.Text;
using ProductKeys.Data.Accounts;

namespace ProductKeys.Service.Identity;

/// <summary>Bearer tokens: 32 random bytes shown once; the database keeps only their SHA-256.</summary>
internal static class ApiTokens
{
    public const string Prefix = "pk_";

    /// <summary>The label of tokens from <c>POST /sessions</c> (<c>pk login</c>): the only ones whose lifetime slides.</summary>
    public const string SessionLabel = "session";

    /// <summary>
    /// The label of the portal's sign-in sessions: carried in an HttpOnly cookie, accepted only from that
    /// cookie and never as a bearer token (and bearer tokens never as the cookie). Their lifetime slides.
    /// </summary>
    public const string PortalLabel = "portal";

    public static (string Token, ApiToken Row) Issue(Guid userId, string label, DateTimeOffset now, TimeSpan lifetime)
    {
        var token = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, new ApiToken { Id = Guid.NewGuid(), UserId = userId, TokenHash = Hash(token), Label = label, CreatedAt = now, ExpiresAt = now + lifetime });
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The last characters, for logs: never the whole token.</summary>
    public static string Fingerprint(string token) => token.Length > 6 ? "…" + token[^4..] : "…";
}
