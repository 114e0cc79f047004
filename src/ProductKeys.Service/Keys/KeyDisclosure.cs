using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Identity;

namespace ProductKeys.Service.Keys;

/// <summary>
/// The key rule (docs/product.md §6), then an audit entry naming every key by its last five characters,
/// before a single key is sent. The API's list and export and the portal's product keys page and CSV
/// download all pass here, so a view is audited alike whichever way it was made (ADR 0022).
/// </summary>
internal static class KeyDisclosure
{
    public const string Viewed = "keys.viewed";
    public const string ExportedCsv = "keys.exported.csv";
    public const string ExportedJson = "keys.exported.json";

    /// <summary>The refusal (NOT_FOUND, or the half of the key rule that is missing), or null once audited.</summary>
    public static async Task<Refusal?> DiscloseAsync(
        Guid id, ClaimsPrincipal user, LicensingDbContext db, AuditLog audit, ILoggerFactory loggers, string action, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayViewKeys(user, role), ct);
        if (!access.IsSuccess)
        {
            return access.Refusal;
        }

        var keys = db.Keys.AsNoTracking().Where(k => k.BillingAccountId == id);
        var total = await keys.LongCountAsync(ct);
        var partials = await keys.OrderBy(k => k.KeyGroup).ThenBy(k => k.Serial).Select(k => k.PartialKey).Take(AuditText.MaxPartials).ToListAsync(ct);
        await audit.RecordAsync(user.UserName(), action, $"billing-account:{id}", $"{total} key(s): {AuditText.Partials(partials, total)}", ct);
        ServiceMetrics.KeysDisclosed.Add(total);
        var logger = loggers.CreateLogger(KeyLog.Category);
        var actor = user.UserName();
        KeyLog.Disclosed(logger, actor, total, id, action);
        return null;
    }
}
