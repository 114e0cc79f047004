using System.Globalization;
using System.Security.Claims;
using ProductKeys.Core.Contracts;
using ProductKeys.Data.Accounts;

namespace ProductKeys.Service.Identity;

/// <summary>What a bearer token says about its user, read back from the principal's claims.</summary>
internal static class CallerClaims
{
    public const string UserIdType = "pk:user_id";
    public const string OrganizationType = "pk:organization";
    public const string DirectoryRoleType = "pk:directory_role";
    public const string TokenIdType = "pk:token_id";

    public static ClaimsPrincipal Create(User user, string scheme, Guid? tokenId = null) => new(new ClaimsIdentity(
        [
            new Claim(UserIdType, user.Id.ToString()),
            new Claim(TokenIdType, tokenId?.ToString() ?? string.Empty),
            new Claim(ClaimTypes.Name, user.Name),
            new Claim(OrganizationType, user.OrganizationId?.ToString() ?? string.Empty),
            new Claim(DirectoryRoleType, user.DirectoryRole.ToString()),
        ],
        scheme));

    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(UserIdType) ?? throw new InvalidOperationException("Not signed in."), CultureInfo.InvariantCulture);

    /// <summary>The id of the token the request was made with (its session).</summary>
    public static Guid? TokenId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(TokenIdType), CultureInfo.InvariantCulture, out var id) ? id : null;

    public static string UserName(this ClaimsPrincipal principal) => principal.Identity?.Name ?? "anonymous";

    public static Guid? OrganizationId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(OrganizationType), CultureInfo.InvariantCulture, out var id) ? id : null;

    public static DirectoryRole DirectoryRole(this ClaimsPrincipal principal) =>
        EnumName.TryParse<DirectoryRole>(principal.FindFirstValue(DirectoryRoleType), ignoreCase: false, out var role) ? role : Data.Accounts.DirectoryRole.User;
}
