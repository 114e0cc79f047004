using Microsoft.AspNetCore.Http;

namespace ProductKeys.Service.Portal;

/// <summary>
/// Security headers on every portal response: a Content-Security-Policy that allows only the portal's own
/// script and stylesheet (no inline script, no CDN), no framing, no referrer, no caching of pages
/// (a page may hold keys), and over HTTPS, HTTPS only from then on (docs/security.md).
/// </summary>
internal static class PortalHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>A year, this host only: other hosts of the customer's domain may still serve plain HTTP.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    public static Task ApplyAsync(HttpContext context, RequestDelegate next)
    {
        if (PortalPaths.IsPortal(context.Request.Path))
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                // Over HTTPS (directly or as a known balancer says), the browser never asks over plain HTTP again, where
                // anyone on the network could answer. Not for localhost: it would hold every local port of a
                // developer's browser to HTTPS (browsers ignore it for an IP address).
                if (context.Request.IsHttps && !string.Equals(context.Request.Host.Host, "localhost", StringComparison.OrdinalIgnoreCase))
                {
                    headers.StrictTransportSecurity = StrictTransportSecurity;
                }

                if (!context.Request.Path.StartsWithSegments(PortalPaths.Assets, StringComparison.OrdinalIgnoreCase))
                {
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                }

                return Task.CompletedTask;
            });
        }

        return next(context);
    }
}
