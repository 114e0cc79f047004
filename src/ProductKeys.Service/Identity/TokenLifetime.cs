using ProductKeys.Data.Accounts;

namespace ProductKeys.Service.Identity;

/// <summary>
/// When a token stops working, in one place: <c>ExpiresAt</c>, or for tokens from before lifetimes
/// existed <c>CreatedAt + Lifetime</c>. A sign-in session (pk login's, or the portal's) slides: each use moves its end to
/// <c>now + Lifetime</c>, never past <c>CreatedAt + SessionMaximum</c> (for the portal's: <c>PortalLifetime</c> and
/// <c>PortalSessionMaximum</c>). The cap is applied on reading too, so a lower setting ends longer sessions issued before it.
/// </summary>
internal static class TokenLifetime
{
    /// <summary>Extensions smaller than this are not written: a busy session costs one write an hour, not one per request.</summary>
    public static readonly TimeSpan WriteGranularity = TimeSpan.FromHours(1);

    public static DateTimeOffset ExpiresAt(ApiToken token, TokenOptions options)
    {
        var end = token.ExpiresAt ?? token.CreatedAt + options.Lifetime;
        return Sliding(token) && token.CreatedAt + Maximum(token, options) < end ? token.CreatedAt + Maximum(token, options) : end;
    }

    public static bool IsExpired(ApiToken token, DateTimeOffset now, TokenOptions options) => now >= ExpiresAt(token, options);

    /// <summary>The session's new end after a use at <paramref name="now"/>, or null when it need not be written.</summary>
    public static DateTimeOffset? Extended(ApiToken token, DateTimeOffset now, TokenOptions options)
    {
        if (!Sliding(token))
        {
            return null;
        }

        var idle = Idle(token, options);
        var cap = token.CreatedAt + Maximum(token, options);
        var next = now + idle < cap ? now + idle : cap;
        // At most hourly; for a short idle time a twelfth of it, so that a session in use never lapses.
        var granularity = idle / 12 < WriteGranularity ? idle / 12 : WriteGranularity;
        return next - ExpiresAt(token, options) >= granularity ? next : null;
    }

    /// <summary>How long <paramref name="token"/> lasts from issue or, for a session, from its last use.</summary>
    private static TimeSpan Idle(ApiToken token, TokenOptions options) =>
        token.Label == ApiTokens.PortalLabel ? options.PortalLifetime : options.Lifetime;

    private static TimeSpan Maximum(ApiToken token, TokenOptions options) =>
        token.Label == ApiTokens.PortalLabel ? options.PortalSessionMaximum : options.SessionMaximum;

    private static bool Sliding(ApiToken token) => token.Label is ApiTokens.SessionLabel or ApiTokens.PortalLabel;
}
