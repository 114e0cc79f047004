using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProductKeys.AdminApi.Identity;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.ApiDocs;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Identity;

internal static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder api)
    {
        api.MapPost("/sessions", SignInAsync).AllowAnonymous().RequireRateLimiting(IdentitySetup.SignInPolicy).WithTags(ApiTags.SignIn)
            .Describe("SignIn", "Sign in with a user name and password; answers a bearer token.")
            .Refuses(ErrorCatalogue.Unauthenticated, ErrorCatalogue.RateLimited)
            .Example(new SignInRequest("alice", "correct horse battery"),
                new SessionResponse("pk_3kTq…", "alice", "BillingAdministrator", Guid.Parse("0b5c8c5e-8a1f-4c55-9a0e-3f6f3a1d2b7c")));
        api.MapDelete("/sessions/current", SignOutAsync).WithTags(ApiTags.SignIn)
            .Describe("SignOut", "Revoke the token this request was made with.");
        api.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(
            new MeResponse(user.UserId(), user.UserName(), user.DirectoryRole().ToString(), user.OrganizationId()))).WithTags(ApiTags.SignIn)
            .Describe("GetMe", "Who the bearer token belongs to: user, directory role, organization.");
        return api.MapSessionAdministration();
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HttpContext http, LicensingDbContext db, PasswordSignIn signIn, TimeProvider time,
        IOptions<TokenOptions> tokens, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.User) || string.IsNullOrEmpty(request.Password) || request.User.Length > 100 || request.Password.Length > 1000)
        {
            return ApiProblems.Validation("Send {\"user\": NAME, \"password\": PASSWORD}.");
        }

        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var verified = await signIn.VerifyAsync(client, request.User, request.Password, ct);
        if (!verified.IsSuccess)
        {
            return ApiProblems.From(verified.Refusal);
        }

        var user = verified.Value;
        var (token, row) = ApiTokens.Issue(user.Id, ApiTokens.SessionLabel, time.GetUtcNow(), tokens.Value.Lifetime);
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new SessionResponse(token, user.Name, user.DirectoryRole.ToString(), user.OrganizationId));
    }

    /// <summary>Revokes the token the request was made with.</summary>
    private static async Task<NoContent> SignOutAsync(HttpContext http, LicensingDbContext db, CancellationToken ct)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var hash = ApiTokens.Hash(header["Bearer ".Length..].Trim());
        await db.ApiTokens.Where(t => t.TokenHash == hash).ExecuteDeleteAsync(ct);
        return TypedResults.NoContent();
    }
}
