using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Portal;

/// <summary>
/// Starts and ends a portal session: a session token in an HttpOnly, SameSite=Strict cookie. Over HTTPS it is
/// <c>__Host-pk_portal</c>: Secure, Path=/ and no Domain, which browsers enforce for that prefix, so neither a sibling
/// subdomain nor a plain-HTTP answer can set or overwrite it. Over plain HTTP (development) browsers refuse that prefix,
/// so it is <c>pk_portal</c>; each scheme reads only its own name.
/// </summary>
internal static class PortalSession
{
    public const string CookieName = "pk_portal";

    public const string SecureCookieName = "__Host-pk_portal";

    /// <summary>The cookie's name for <paramref name="http"/>'s scheme (HTTPS, or HTTPS at a known balancer).</summary>
    public static string NameFor(HttpContext http) => http.Request.IsHttps ? SecureCookieName : CookieName;

    /// <summary>The session token the request's cookie carries, if any.</summary>
    public static string? TokenOf(HttpContext http) =>
        http.Request.Cookies.TryGetValue(NameFor(http), out var token) && !string.IsNullOrEmpty(token) ? token : null;

    public static async Task StartAsync(HttpContext http, LicensingDbContext db, User user, DateTimeOffset now, TokenOptions options, CancellationToken ct)
    {
        // Signing in over a live session ends that one: its cookie is replaced below, and a copy of it must not stay valid.
        await EndStoredSessionAsync(http, db, ct);
        var (token, row) = ApiTokens.Issue(user.Id, ApiTokens.PortalLabel, now, options.PortalLifetime);
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(ct);
        // A browser-session cookie: the server-side session slides with use (TokenLifetime) and ends at sign-out.
        http.Response.Cookies.Append(NameFor(http), token, CookieOptions(http));
    }

    public static async Task EndAsync(HttpContext http, LicensingDbContext db, CancellationToken ct)
    {
        await EndStoredSessionAsync(http, db, ct);
        DeleteCookie(http);
    }

    /// <summary>Deletes the token row of the session the request's cookie names, if any.</summary>
    private static async Task EndStoredSessionAsync(HttpContext http, LicensingDbContext db, CancellationToken ct)
    {
        if (TokenOf(http) is { Length: <= TokenCheck.MaxLength } token)
        {
            var hash = ApiTokens.Hash(token);
            await db.ApiTokens.Where(t => t.TokenHash == hash && t.Label == ApiTokens.PortalLabel).ExecuteDeleteAsync(ct);
        }
    }

    public static void DeleteCookie(HttpContext http) => http.Response.Cookies.Delete(NameFor(http), CookieOptions(http));

    private static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
