using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Audit;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Keys;

/// <summary>
/// The key rule (docs/product.md §6), then an audit entry naming every key shown by its last five characters,
/// before a single key is sent (the portal's keys page names the page it shows). The API's list and export and the portal's product keys page and CSV
/// download all pass here, so a view is audited alike whichever way it was made (ADR 0022).
/// </summary>
internal static class KeyDisclosure
{
    public const string Viewed = "keys.viewed";
    public const string ExportedCsv = "keys.exported.csv";
    public const string ExportedJson = "keys.exported.json";

    /// <summary>
    /// The refusal (NOT_FOUND, or the half of the key rule that is missing), or, once audited, the ids of the keys the
    /// entry counts: the caller sends those and no others (<see cref="KeyRows.ReadAsync"/>). Keys of an order placed
    /// between the entry and the rows' read were sent too, named by no entry (found by a hostile review).
    /// </summary>
    public static async Task<Outcome<HashSet<Guid>>> DiscloseAsync(
        Guid id, ClaimsPrincipal user, LicensingDbContext db, KeySecrets secrets, AuditLog audit, ILoggerFactory loggers, string action, CancellationToken ct)
    {
        if (await CheckAsync(id, user, db, secrets, ct) is { } refusal)
        {
            return refusal;
        }

        // One read for the entry's count and last five characters and for what is sent: they cannot disagree.
        var keys = await db.Keys.AsNoTracking().Where(k => k.BillingAccountId == id).OrderBy(k => k.KeyGroup).ThenBy(k => k.Serial)
            .Select(k => new { k.Id, k.PartialKey }).ToListAsync(ct);
        var partials = keys.Take(AuditText.MaxPartials).Select(k => k.PartialKey).ToList();
        await RecordAsync(id, user, audit, loggers, action, $"{keys.Count} key(s): {AuditText.Partials(partials, keys.Count)}", keys.Count, ct);
        return keys.Select(k => k.Id).ToHashSet();
    }

    /// <summary>
    /// The key rule, then whether this node can derive the account's keys (<see cref="KeyRows.RefuseUnderivableAsync"/>):
    /// the refusal, or null when <paramref name="user"/> may see the account's keys and this node can show them.
    /// </summary>
    public static async Task<Refusal?> CheckAsync(Guid id, ClaimsPrincipal user, LicensingDbContext db, KeySecrets secrets, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, id, role => AccessRules.MayViewKeys(user, role), ct);
        return access.IsSuccess ? await KeyRows.RefuseUnderivableAsync(db, secrets, id, ct) : access.Refusal;
    }

    /// <summary>
    /// Audits a page of keys about to be shown (after <see cref="CheckAsync"/>, before the page is sent): the
    /// keys on it by their last five characters, and which part of the account they are.
    /// </summary>
    public static Task RecordPageAsync(
        Guid id, ClaimsPrincipal user, AuditLog audit, ILoggerFactory loggers, IReadOnlyList<string> shownPartials, string which, CancellationToken ct) =>
        RecordAsync(id, user, audit, loggers, Viewed, $"{shownPartials.Count} key(s), {which}: {AuditText.Partials(shownPartials, shownPartials.Count)}", shownPartials.Count, ct);

    private static async Task RecordAsync(
        Guid id, ClaimsPrincipal user, AuditLog audit, ILoggerFactory loggers, string action, string detail, long shown, CancellationToken ct)
    {
        var actor = user.UserName();
        await audit.RecordAsync(actor, action, $"billing-account:{id}", detail, ct);
        ServiceMetrics.KeysDisclosed.Add(shown);
        var logger = loggers.CreateLogger(KeyLog.Category);
        KeyLog.Disclosed(logger, actor, shown, id, action);
    }
}
