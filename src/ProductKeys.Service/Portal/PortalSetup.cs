using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Service.Portal.KeyRing;

namespace ProductKeys.Service.Portal;

/// <summary>
/// The portal (docs/adr/0022-portal.md): Razor Pages rendered on the server by pk server itself, signed
/// in with an HttpOnly cookie beside the API's bearer tokens, antiforgery on every form.
/// </summary>
internal static class PortalSetup
{
    public const string Policy = "portal";

    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, PortalAuthenticationHandler>(PortalAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(PortalAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
        services.AddPortalKeyRing();
        services.AddHttpContextAccessor();
        services.AddAntiforgery(o => o.FormFieldName = "__pk_antiforgery");
        // Over HTTPS the cookie is __Host-prefixed, as the session cookie is: its name follows each request's scheme.
        services.AddOptions<AntiforgeryOptions>().Configure<IHttpContextAccessor>((o, http) => o.Cookie = new PortalAntiforgeryCookie(http));
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Portal/Pages";
            o.Conventions.AuthorizeFolder("/", Policy);
            o.Conventions.AllowAnonymousToPage("/Index");
            o.Conventions.AllowAnonymousToPage("/SignIn");
        }).AddMvcOptions(o =>
        {
            o.Filters.Add<AntiforgeryFailureFilter>();
            o.Filters.Add<NoHandlerFilter>();
        });
        PortalProblemWriter.AddFirst(services);
        return services;
    }

    /// <summary>
    /// The portal's security headers on every portal response, refusals included (a 413 or a 500 page), and only the
    /// methods a page takes. Runs before the API's error rules so that their answers carry the headers too.
    /// </summary>
    public static WebApplication UsePortalRules(this WebApplication app)
    {
        app.Use(PortalHeaders.ApplyAsync);
        app.Use(PortalMethods.RefuseOthersAsync);
        return app;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.MapPortalAssets();
        app.MapRazorPages();
        return app;
    }
}
