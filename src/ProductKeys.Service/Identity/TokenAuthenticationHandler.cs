using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
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
        var (problem, found, user) = await TokenCheck.CheckAsync(db, token, portal: false, time.GetUtcNow(), tokens.Value, Context.RequestAborted);
        return problem switch
        {
            TokenProblem.None => AuthenticateResult.Success(new AuthenticationTicket(CallerClaims.Create(user!, SchemeName, found!.Id), SchemeName)),
            TokenProblem.Disabled => Fail("This user is disabled: ask a Global administrator of your organization."),
            TokenProblem.Expired => Fail("The bearer token has expired: sign in again with 'pk login'."),
            _ => Fail("The bearer token is not valid: sign in again with 'pk login'."),
        };
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
