using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProductKeys.Data;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Portal;

/// <summary>
/// The portal's cookie: an opaque session token (an ApiToken row labelled "portal", stored hashed), checked
/// on every request exactly like a bearer token, so signing out, revoking the session, disabling the user
/// or expiry end it at once on every node. Strangers are sent to the sign-in page (ADR 0022).
/// </summary>
internal sealed class PortalAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    LicensingDbContext db,
    IOptions<TokenOptions> tokens,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Portal";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PortalSession.TokenOf(Context) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var (problem, found, user) = await TokenCheck.CheckAsync(db, token, portal: true, time.GetUtcNow(), tokens.Value, Context.RequestAborted);
        return problem == TokenProblem.None
            ? AuthenticateResult.Success(new AuthenticationTicket(CallerClaims.Create(user!, SchemeName, found!.Id), SchemeName))
            : AuthenticateResult.Fail($"The portal session is not valid ({problem}).");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // A stale or forged cookie is dropped, so the sign-in page starts clean.
        if (Request.Cookies.ContainsKey(PortalSession.NameFor(Context)))
        {
            PortalSession.DeleteCookie(Context);
        }

        Response.Redirect(PortalPaths.Home);
        return Task.CompletedTask;
    }
}
