using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ProductKeys.AdminApi.Usage;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Activations;
using ProductKeys.Data.Keys;
using ProductKeys.Data.Usage;
using ProductKeys.Service.Accounts;
using ProductKeys.Service.Portal;

namespace ProductKeys.Service.Keys;

/// <summary>
/// What a key has done, without its plaintext: a MAK's devices, a KMS host key's hosts, a CAL pack's
/// servers, and usage reports uploaded from those hosts and servers. Anyone who may read the account.
/// </summary>
internal static class KeyActivity
{
    /// <summary>Devices per page: a MAK may hold 100,000 of them, and only the page shown is read whole and rendered.</summary>
    public const int DevicesPerPage = 100;

    /// <summary>Usage reports shown, newest first: a server that uploads daily has a thousand of them in three years.</summary>
    public const int ReportsShown = 20;

    /// <summary>
    /// A key's activity as one page shows it: <c>Devices</c> is the page <c>DeviceWindow</c> of a MAK's devices, the
    /// newest first; <c>Reports</c> the <see cref="ReportsShown"/> newest reports of its hosts and servers, of <c>ReportCount</c>.
    /// </summary>
    public sealed record Activity(
        IssuedKey Key, List<MakActivation> Devices, PageWindow DeviceWindow, List<KmsHostActivation> Hosts, List<CalPackInstallation> Servers,
        List<StoredUsageReport> Reports, int ReportCount)
    {
        public int Used => Key.ActivationsUsed;

        public int Remaining => Math.Max(0, Key.ActivationLimit - Key.ActivationsUsed);

        public static List<UsageLineResponse> Lines(StoredUsageReport report) =>
            JsonSerializer.Deserialize(report.Lines, ProductKeys.AdminApi.AdminApiJsonContext.Default.ListUsageLineResponse) ?? [];
    }

    /// <summary>A key of the account with its activity; <c>devicePage</c> (from 1) picks the page of devices, out of range the nearest.</summary>
    public static async Task<Outcome<Activity>> ReadAsync(
        Guid accountId, Guid keyId, int devicePage, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
    {
        var access = await AccountAccess.FindAsync(db, user, accountId, role => AccessRules.MayReadAccount(user, role), ct);
        if (!access.IsSuccess)
        {
            return access.Refusal;
        }

        var key = await db.Keys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == keyId && k.BillingAccountId == accountId, ct);
        if (key is null)
        {
            return new Refusal(ErrorCatalogue.NotFound, $"Billing account {accountId} has no key {keyId}.");
        }

        var (devices, window) = await DevicePageAsync(db, keyId, devicePage, ct);
        var hosts = await db.KmsHostActivations.AsNoTracking().Where(a => a.KeyId == keyId).ToListAsync(ct);
        var servers = await db.CalPackInstallations.AsNoTracking().Where(a => a.KeyId == keyId).ToListAsync(ct);
        var serverIds = hosts.Select(h => h.HostId).Concat(servers.Select(s => s.ServerId)).ToHashSet(StringComparer.Ordinal);
        var (reports, reportCount) = await NewestReportsAsync(db, accountId, serverIds, ct);
        return new Activity(key, devices, window,
            hosts.OrderBy(h => h.FirstActivatedAt).ToList(),
            servers.OrderBy(s => s.FirstInstalledAt).ToList(),
            reports, reportCount);
    }

    /// <summary>One page of a MAK's devices, the latest first activation first (<see cref="NewestFirst"/>).</summary>
    private static async Task<(List<MakActivation> Devices, PageWindow Window)> DevicePageAsync(
        LicensingDbContext db, Guid keyId, int requested, CancellationToken ct)
    {
        var all = await db.MakActivations.AsNoTracking().Where(a => a.KeyId == keyId).Select(a => new { a.Id, a.ActivatedAt }).ToListAsync(ct);
        var window = PageWindow.For(all.Count, DevicesPerPage, requested);
        var ids = NewestFirst.Ids(all.Select(a => (a.Id, a.ActivatedAt)), window.Skip, window.Size);
        var rows = await db.MakActivations.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        return (NewestFirst.InOrder(ids, rows), window);
    }

    /// <summary>The newest <see cref="ReportsShown"/> reports of these servers in the account, and how many are stored.</summary>
    private static async Task<(List<StoredUsageReport> Reports, int Count)> NewestReportsAsync(
        LicensingDbContext db, Guid accountId, HashSet<string> serverIds, CancellationToken ct)
    {
        if (serverIds.Count == 0)
        {
            return ([], 0);
        }

        var stored = db.UsageReports.AsNoTracking().Where(r => r.BillingAccountId == accountId && serverIds.Contains(r.ServerId));
        var all = await stored.Select(r => new { r.Id, r.IssuedAt }).ToListAsync(ct);
        var ids = NewestFirst.Ids(all.Select(r => (r.Id, r.IssuedAt)), 0, ReportsShown);
        var rows = await stored.Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        return (NewestFirst.InOrder(ids, rows), all.Count);
    }
}
