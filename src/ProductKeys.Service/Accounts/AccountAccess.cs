using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Accounts;

/// <summary>A billing account as the caller sees it, with the caller's role on it.</summary>
internal sealed record AccountAccess(BillingAccount Account, AccountRole? Role)
{
    /// <summary>
    /// NOT_FOUND for an unknown account and for another organization's account alike, so ids of
    /// other customers cannot be probed (docs/adr/0005-key-rule-and-other-organizations.md).
    /// </summary>
    public static async Task<Outcome<AccountAccess>> FindAsync(LicensingDbContext db, ClaimsPrincipal user, Guid accountId, CancellationToken ct)
    {
        var account = await db.BillingAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null || !AccessRules.CanSeeAccount(user, account))
        {
            return new Refusal(ErrorCatalogue.NotFound, $"There is no billing account {accountId} in your organization.");
        }

        var userId = user.UserId();
        var role = await db.AccountRoles.AsNoTracking()
            .Where(r => r.BillingAccountId == accountId && r.UserId == userId)
            .Select(r => (AccountRole?)r.Role)
            .SingleOrDefaultAsync(ct);
        return new AccountAccess(account, role);
    }

    /// <summary>
    /// As <see cref="FindAsync(LicensingDbContext, ClaimsPrincipal, Guid, CancellationToken)"/>, and refused
    /// unless <paramref name="rule"/> allows the caller's role on the account (e.g. <see cref="AccessRules.MayViewKeys"/>).
    /// </summary>
    public static async Task<Outcome<AccountAccess>> FindAsync(
        LicensingDbContext db, ClaimsPrincipal user, Guid accountId, Func<AccountRole?, Refusal?> rule, CancellationToken ct)
    {
        var access = await FindAsync(db, user, accountId, ct);
        if (access.IsSuccess && rule(access.Value.Role) is { } refusal)
        {
            return refusal;
        }

        return access;
    }
}
