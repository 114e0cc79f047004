using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ProductKeys.Service.Portal;

/// <summary>The portal's stylesheet and script, served from the assembly (Portal/Assets): works offline, no CDN.</summary>
internal static class PortalAssets
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["portal.css"] = "text/css; charset=utf-8",
        ["portal.js"] = "text/javascript; charset=utf-8",
    };

    public static IEndpointRouteBuilder MapPortalAssets(this IEndpointRouteBuilder app)
    {
        foreach (var (name, type) in Types)
        {
            var bytes = Read(name);
            app.MapGet($"{PortalPaths.Assets}/{name}", (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=3600";
                return TypedResults.Bytes(bytes, type);
            }).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(PortalAssets).Assembly.GetManifestResourceStream("Portal.Assets." + name)
            ?? throw new InvalidOperationException($"The portal asset {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
