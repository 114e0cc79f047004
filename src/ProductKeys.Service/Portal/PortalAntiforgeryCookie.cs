using Microsoft.AspNetCore.Http;

namespace ProductKeys.Service.Portal;

/// <summary>
/// The antiforgery cookie, named per request as the session cookie is (<see cref="PortalSession"/>): over HTTPS
/// <c>__Host-pk_antiforgery</c> (Secure, Path=/ and no Domain, which browsers enforce for that prefix, so neither a
/// sibling subdomain nor a plain-HTTP answer can plant the cookie token a forged form would be checked against); over
/// plain HTTP (development), where browsers refuse the prefix, <c>pk_antiforgery</c>. Each scheme reads only its own
/// name. ASP.NET Core's antiforgery reads <see cref="Name"/> on every request, when it reads or writes the cookie.
/// </summary>
internal sealed class PortalAntiforgeryCookie : CookieBuilder
{
    public const string CookieName = "pk_antiforgery";

    public const string SecureCookieName = "__Host-pk_antiforgery";

    private readonly IHttpContextAccessor http;

    public PortalAntiforgeryCookie(IHttpContextAccessor http)
    {
        this.http = http;
        HttpOnly = true;
        SameSite = SameSiteMode.Strict;
        SecurePolicy = CookieSecurePolicy.SameAsRequest;
        Path = "/";
        IsEssential = true;
    }

    /// <summary>The name for the current request's scheme (HTTPS, or HTTPS at a known balancer); it cannot be set.</summary>
    public override string? Name
    {
        get => http.HttpContext?.Request.IsHttps == true ? SecureCookieName : CookieName;
        set => throw new InvalidOperationException("The portal names its antiforgery cookie by the request's scheme (PortalAntiforgeryCookie).");
    }
}
