using ProductKeys.Data.Accounts;

namespace ProductKeys.Service.Identity;

/// <summary>
/// When a token stops working, in one place: <c>ExpiresAt</c>, or for tokens from before lifetimes
/// existed <c>CreatedAt + Lifetime</c>. A sign-in session (pk login's, or the portal's) slides: each use moves its end to
/// <c>now + Lifetime</c>, never past <c>CreatedAt + SessionMaximum</c>.
/// </summary>
internal static class TokenLifetime
{
    /// <summary>Extensions smaller than this are not written: a busy session costs one write an hour, not one per request.</summary>
    public static readonly TimeSpan WriteGranularity = TimeSpan.FromHours(1);

    public static DateTimeOffset ExpiresAt(ApiToken token, TokenOptions options) => token.ExpiresAt ?? token.CreatedAt + options.Lifetime;

    public static bool IsExpired(ApiToken token, DateTimeOffset now, TokenOptions options) => now >= ExpiresAt(token, options);

    /// <summary>The session's new end after a use at <paramref name="now"/>, or null when it need not be written.</summary>
    public static DateTimeOffset? Extended(ApiToken token, DateTimeOffset now, TokenOptions options)
    {
        if (token.Label is not (ApiTokens.SessionLabel or ApiTokens.PortalLabel))
        {
            return null;
        }

        var cap = token.CreatedAt + options.SessionMaximum;
        var next = now + options.Lifetime < cap ? now + options.Lifetime : cap;
        return next - ExpiresAt(token, options) >= WriteGranularity ? next : null;
    }
}
