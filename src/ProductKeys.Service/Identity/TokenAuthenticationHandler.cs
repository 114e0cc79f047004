using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Identity;

/// <summary><c>Authorization: Bearer TOKEN</c>, looked up by its SHA-256; refusals are problem details.</summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    LicensingDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 200)
        {
            return AuthenticateResult.Fail("Malformed token.");
        }

        var hash = ApiTokens.Hash(token);
        var user = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => u)
            .SingleOrDefaultAsync(Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail("Unknown token.")
            : AuthenticateResult.Success(new AuthenticationTicket(CallerClaims.Create(user, SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiProblems.From(ErrorCatalogue.Unauthenticated,
            Request.Headers.Authorization.Count == 0
                ? "No bearer token: sign in with 'pk login' or send Authorization: Bearer TOKEN."
                : "The bearer token is not valid: sign in again with 'pk login'.").ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.From(ErrorCatalogue.Forbidden).ExecuteAsync(Context);
}
