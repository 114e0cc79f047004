using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;

namespace ProductKeys.Service.Identity;

/// <summary>Why a presented token was not accepted.</summary>
internal enum TokenProblem
{
    None,
    Invalid,
    Disabled,
    Expired,
}

/// <summary>
/// The one check of a presented token, for the API's bearer tokens and the portal's cookie alike: looked
/// up by its SHA-256 on every request (no cache), so a revoked token, a disabled user or an expired
/// session is refused at once on every node; a sign-in session's end slides on use (TokenLifetime).
/// </summary>
internal static class TokenCheck
{
    public const int MaxLength = 200;

    /// <summary>
    /// The token's row and user, or the problem. <paramref name="portal"/> selects which tokens count: the
    /// portal's cookie carries only portal sessions, and a bearer header never does (ADR 0022).
    /// </summary>
    public static async Task<(TokenProblem Problem, ApiToken? Token, User? User)> CheckAsync(
        LicensingDbContext db, string token, bool portal, DateTimeOffset now, TokenOptions options, CancellationToken ct)
    {
        if (token.Length is 0 or > MaxLength)
        {
            return (TokenProblem.Invalid, null, null);
        }

        var hash = ApiTokens.Hash(token);
        var found = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .SingleOrDefaultAsync(ct);
        if (found is null || (found.Token.Label == ApiTokens.PortalLabel) != portal)
        {
            return (TokenProblem.Invalid, null, null);
        }

        if (found.User.IsDisabled)
        {
            return (TokenProblem.Disabled, null, null);
        }

        if (TokenLifetime.IsExpired(found.Token, now, options))
        {
            return (TokenProblem.Expired, null, null);
        }

        if (TokenLifetime.Extended(found.Token, now, options) is { } extended)
        {
            var id = found.Token.Id;
            await db.ApiTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, extended), ct);
        }

        return (TokenProblem.None, found.Token, found.User);
    }
}
