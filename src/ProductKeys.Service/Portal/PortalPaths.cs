using Microsoft.AspNetCore.Http;

namespace ProductKeys.Service.Portal;

/// <summary>Where the portal lives: <c>/</c> (the sign-in page) and everything under <c>/portal</c>.</summary>
internal static class PortalPaths
{
    public const string Home = "/";
    public const string Accounts = "/portal/accounts";
    public const string Assets = "/portal/assets";


    public static bool IsPortal(PathString path) => path == Home || path.StartsWithSegments("/portal", StringComparison.OrdinalIgnoreCase);

    public static string Keys(Guid accountId) => $"/portal/accounts/{accountId}/keys";

    public static string Manage(Guid accountId) => $"/portal/accounts/{accountId}/manage";

    public static string Orders(Guid accountId) => $"/portal/accounts/{accountId}/orders";

    public static string KeyDetail(Guid accountId, Guid keyId) => $"/portal/accounts/{accountId}/keys/{keyId}";

    public const string Catalog = "/portal/catalog";

    public const string Audit = "/portal/audit";
}
