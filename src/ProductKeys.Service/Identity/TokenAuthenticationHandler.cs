using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Identity;

/// <summary>
/// <c>Authorization: Bearer TOKEN</c>, looked up by its SHA-256 in the database on every request (no
/// cache), so a revoked token, a disabled user or an expired session is refused at once on every node.
/// Refusals are problem details.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    LicensingDbContext db,
    IOptions<TokenOptions> tokens,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";
    private const string FailureItem = "pk:auth-failure";

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
            return Fail("The bearer token is not valid: sign in again with 'pk login'.");
        }

        var hash = ApiTokens.Hash(token);
        var found = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return Fail("The bearer token is not valid: sign in again with 'pk login'.");
        }

        if (found.User.IsDisabled)
        {
            return Fail("This user is disabled: ask a Global administrator of your organization.");
        }

        var now = time.GetUtcNow();
        if (TokenLifetime.IsExpired(found.Token, now, tokens.Value))
        {
            return Fail("The bearer token has expired: sign in again with 'pk login'.");
        }

        if (TokenLifetime.Extended(found.Token, now, tokens.Value) is { } extended)
        {
            var id = found.Token.Id;
            await db.ApiTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, extended), Context.RequestAborted);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(CallerClaims.Create(found.User, SchemeName, found.Token.Id), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiProblems.From(ErrorCatalogue.Unauthenticated,
            Request.Headers.Authorization.Count == 0
                ? "No bearer token: sign in with 'pk login' or send Authorization: Bearer TOKEN."
                : Context.Items[FailureItem] as string ?? "The bearer token is not valid: sign in again with 'pk login'.").ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.From(ErrorCatalogue.Forbidden).ExecuteAsync(Context);

    private AuthenticateResult Fail(string detail)
    {
        Context.Items[FailureItem] = detail;
        return AuthenticateResult.Fail(detail);
    }
}
