using Microsoft.AspNetCore.Http;

namespace ProductKeys.Service.Portal;

/// <summary>
/// Security headers on every portal response: a Content-Security-Policy that allows only the portal's own
/// script and stylesheet (no inline script, no CDN), no framing, no referrer, and no caching of pages:
/// a page may hold keys (docs/security.md).
/// </summary>
internal static class PortalHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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
