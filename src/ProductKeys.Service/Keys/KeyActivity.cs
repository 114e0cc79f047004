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

namespace ProductKeys.Service.Keys;

/// <summary>
/// What a key has done, without its plaintext: a MAK's devices, a KMS host key's hosts, a CAL pack's
/// servers, and usage reports uploaded from those hosts and servers. Anyone who may read the account.
/// </summary>
internal static class KeyActivity
{
    public sealed record Activity(
        IssuedKey Key, List<MakActivation> Devices, List<KmsHostActivation> Hosts, List<CalPackInstallation> Servers, List<StoredUsageReport> Reports)
    {
        public int Used => Key.ActivationsUsed;

        public int Remaining => Math.Max(0, Key.ActivationLimit - Key.ActivationsUsed);

        public static List<UsageLineResponse> Lines(StoredUsageReport report) =>
            JsonSerializer.Deserialize(report.Lines, ProductKeys.AdminApi.AdminApiJsonContext.Default.ListUsageLineResponse) ?? [];
    }

    public static async Task<Outcome<Activity>> ReadAsync(Guid accountId, Guid keyId, ClaimsPrincipal user, LicensingDbContext db, CancellationToken ct)
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

        var devices = await db.MakActivations.AsNoTracking().Where(a => a.KeyId == keyId).ToListAsync(ct);
        var hosts = await db.KmsHostActivations.AsNoTracking().Where(a => a.KeyId == keyId).ToListAsync(ct);
        var servers = await db.CalPackInstallations.AsNoTracking().Where(a => a.KeyId == keyId).ToListAsync(ct);
        var serverIds = hosts.Select(h => h.HostId).Concat(servers.Select(s => s.ServerId)).ToHashSet(StringComparer.Ordinal);
        var reports = serverIds.Count == 0
            ? []
            : (await db.UsageReports.AsNoTracking().Where(r => r.BillingAccountId == accountId && serverIds.Contains(r.ServerId)).ToListAsync(ct))
                .OrderByDescending(r => r.IssuedAt).ToList();
        return new Activity(key,
            devices.OrderBy(d => d.ActivatedAt).ToList(),
            hosts.OrderBy(h => h.FirstActivatedAt).ToList(),
            servers.OrderBy(s => s.FirstInstalledAt).ToList(),
            reports);
    }
}
