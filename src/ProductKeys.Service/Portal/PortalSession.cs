using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Portal;

/// <summary>Starts and ends a portal session: a session token in an HttpOnly, SameSite=Strict cookie (Secure under HTTPS).</summary>
internal static class PortalSession
{
    public const string CookieName = "pk_portal";

    public static async Task StartAsync(HttpContext http, LicensingDbContext db, User user, DateTimeOffset now, TokenOptions options, CancellationToken ct)
    {
        // Signing in over a live session ends that one: its cookie is replaced below, and a copy of it must not stay valid.
        await EndStoredSessionAsync(http, db, ct);
        var (token, row) = ApiTokens.Issue(user.Id, ApiTokens.PortalLabel, now, options.Lifetime);
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(ct);
        // A browser-session cookie: the server-side session slides with use (TokenLifetime) and ends at sign-out.
        http.Response.Cookies.Append(CookieName, token, CookieOptions(http));
    }

    public static async Task EndAsync(HttpContext http, LicensingDbContext db, CancellationToken ct)
    {
        await EndStoredSessionAsync(http, db, ct);
        DeleteCookie(http);
    }

    /// <summary>Deletes the token row of the session the request's cookie names, if any.</summary>
    private static async Task EndStoredSessionAsync(HttpContext http, LicensingDbContext db, CancellationToken ct)
    {
        if (http.Request.Cookies.TryGetValue(CookieName, out var token) && token.Length is > 0 and <= TokenCheck.MaxLength)
        {
            var hash = ApiTokens.Hash(token);
            await db.ApiTokens.Where(t => t.TokenHash == hash && t.Label == ApiTokens.PortalLabel).ExecuteDeleteAsync(ct);
        }
    }

    public static void DeleteCookie(HttpContext http) => http.Response.Cookies.Delete(CookieName, CookieOptions(http));

    private static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
