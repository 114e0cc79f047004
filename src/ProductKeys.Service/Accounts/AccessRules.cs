using System.Security.Claims;
using ProductKeys.Core.Errors;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Accounts;

/// <summary>
/// Who may do what, as small predicates over the caller's claims and their role on a billing
/// account. Every access decision of the service is one of these; they are unit-tested as a table.
/// </summary>
internal static class AccessRules
{
    public static bool IsPublisherStaff(ClaimsPrincipal user) => user.DirectoryRole() == DirectoryRole.PublisherAdmin;

    /// <summary>GlobalAdministrator &gt; BillingAdministrator &gt; User; publisher staff are not customer administrators.</summary>
    public static bool IsAtLeastBillingAdministrator(ClaimsPrincipal user) =>
        user.DirectoryRole() is DirectoryRole.BillingAdministrator or DirectoryRole.GlobalAdministrator;

    public static bool IsOwnerOrContributor(AccountRole? role) => role is AccountRole.Owner or AccountRole.Contributor;

    public static bool IsOwner(AccountRole? role) => role is AccountRole.Owner;

    /// <summary>Customers see only their own organization's accounts; publisher staff see every account.</summary>
    public static bool CanSeeAccount(ClaimsPrincipal user, BillingAccount account) =>
        IsPublisherStaff(user) || user.OrganizationId() == account.OrganizationId;

    /// <summary>
    /// The key rule (docs/product.md §6): at least Billing administrator (checked first) and Owner or
    /// Contributor of the billing account. Returns the refusal naming what is missing, or null.
    /// </summary>
    public static Refusal? MayViewKeys(ClaimsPrincipal user, AccountRole? role) =>
        !IsAtLeastBillingAdministrator(user)
            ? new Refusal(ErrorCatalogue.ForbiddenNotBillingAdmin, IsPublisherStaff(user)
                ? "Product keys are shown only to a customer's Billing administrators; you are publisher staff (PublisherAdmin), who see key "
                    + "metadata but never plaintext keys: list it with 'pk keys list --metadata --account ID' or the portal's \"Manage keys\"."
                : $"Product keys are shown only to Billing administrators; you are {user.DirectoryRole()}. Ask a Global administrator.")
            : !IsOwnerOrContributor(role)
                ? new Refusal(ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor,
                    $"Product keys are shown only to Owners and Contributors of the billing account; your role on it is {role?.ToString() ?? "none"}. Ask one of its owners.")
                : null;

    /// <summary>Orders: Owner or Contributor of the account (docs/product.md §9).</summary>
    public static Refusal? MayPlaceOrders(AccountRole? role) => IsOwnerOrContributor(role)
        ? null
        : new Refusal(ErrorCatalogue.ForbiddenNotAccountOwnerOrContributor,
            $"Orders are placed by Owners and Contributors of the billing account; your role on it is {role?.ToString() ?? "none"}.");

    /// <summary>Reading orders and roles: any role on the account, or publisher staff.</summary>
    public static Refusal? MayReadAccount(ClaimsPrincipal user, AccountRole? role) => role is not null || IsPublisherStaff(user)
        ? null
        : new Refusal(ErrorCatalogue.Forbidden, "You hold no role on this billing account: ask one of its owners.");

    /// <summary>Only owners grant and revoke roles (docs/product.md §6).</summary>
    public static Refusal? MayManageRoles(AccountRole? role) => IsOwner(role)
        ? null
        : new Refusal(ErrorCatalogue.Forbidden, $"Only Owners of the billing account grant or revoke roles; your role on it is {role?.ToString() ?? "none"}.");

    /// <summary>Blocking keys, raising limits, reading key metadata and the audit log: publisher staff.</summary>
    public static Refusal? MayManageKeys(ClaimsPrincipal user) => IsPublisherStaff(user)
        ? null
        : new Refusal(ErrorCatalogue.Forbidden, "Only publisher staff (PublisherAdmin) manage keys and read the audit log.");

    /// <summary>Users of an organization are managed by its Global administrators and by publisher staff.</summary>
    public static Refusal? MayManageUsers(ClaimsPrincipal user, Guid organizationId) =>
        IsPublisherStaff(user) || (user.DirectoryRole() == DirectoryRole.GlobalAdministrator && user.OrganizationId() == organizationId)
            ? null
            : new Refusal(ErrorCatalogue.Forbidden, "Only the organization's Global administrators and publisher staff add users.");

    /// <summary>Customers see the users of their own organization; publisher staff see every user (ADR 0005: others answer NOT_FOUND).</summary>
    public static bool CanSeeUser(ClaimsPrincipal user, User target) =>
        IsPublisherStaff(user) || (target.OrganizationId is { } org && user.OrganizationId() == org);

    /// <summary>
    /// Disabling, enabling, setting passwords and revoking sessions of someone else: the Global
    /// administrators of the target's organization, and publisher staff (ADR 0017). Never oneself
    /// for disabling, so the last administrator cannot lock everyone out by mistake.
    /// </summary>
    public static Refusal? MayAdministerUser(ClaimsPrincipal user, User target) =>
        (target.OrganizationId is { } org && MayManageUsers(user, org) is null) || (target.OrganizationId is null && IsPublisherStaff(user))
            ? null
            : new Refusal(ErrorCatalogue.Forbidden, "Only the organization's Global administrators and publisher staff manage its users and their sessions.");

    /// <summary>Organizations, billing accounts (agreements) and the catalog are the publisher's.</summary>
    public static Refusal? MayManageCustomersAndCatalog(ClaimsPrincipal user) => IsPublisherStaff(user)
        ? null
        : new Refusal(ErrorCatalogue.Forbidden, "Only publisher staff (PublisherAdmin) create organizations, billing accounts and products.");

    /// <summary>Account roles apply to every profile of the account; the stronger of the two wins.</summary>
    public static ProfileRole? EffectiveProfileRole(AccountRole? accountRole, ProfileRole? profileRole)
    {
        ProfileRole? inherited = accountRole switch
        {
            AccountRole.Owner => ProfileRole.Owner,
            AccountRole.Contributor => ProfileRole.Contributor,
            AccountRole.Reader => ProfileRole.Reader,
            _ => null,
        };
        return (inherited, profileRole) switch
        {
            (null, var p) => p,
            (var i, null) => i,
            // Owner > Contributor > Reader; InvoiceManager ranks beside Reader but adds invoices, so keep it over Reader.
            (ProfileRole.Reader, ProfileRole.InvoiceManager) => ProfileRole.InvoiceManager,
            (var i, var p) => (ProfileRole)Math.Min((int)i!, (int)p!),
        };
    }
}
