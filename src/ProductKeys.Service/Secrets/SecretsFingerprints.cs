using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Secrets;
using ProductKeys.Service.Hosting;

namespace ProductKeys.Service.Secrets;

/// <summary>
/// Every node of a deployment must hold the same publisher secrets: keys are derived from them, not
/// stored (ADR 0001). The first node to start records their fingerprint in the database; a node whose
/// secrets differ, or that has none and would generate new ones, refuses to start with SECRETS_MISMATCH.
/// </summary>
public static class SecretsFingerprints
{
    /// <summary>Before secrets are generated: refuses a node that has none on a database that already has a record.</summary>
    public static async Task RefuseGeneratingAsync(LicensingDbContext db, string secretsDirectory, CancellationToken ct)
    {
        if (!KeySecrets.Exists(secretsDirectory) && await db.SecretsFingerprints.AsNoTracking().AnyAsync(ct))
        {
            throw new StartRefusedException(ErrorCatalogue.SecretsMismatch,
                $"This database already holds keys issued under publisher secrets this node does not have ({secretsDirectory} is empty): "
                + "copy the secrets folder from the first node and start with --secrets DIR.");
        }
    }

    /// <summary>Records the fingerprint on first start; afterwards refuses secrets that differ.</summary>
    public static async Task VerifyOrRecordAsync(LicensingDbContext db, string keyGroups, IEnumerable<string> signingKeyIds, DateTimeOffset now, CancellationToken ct)
    {
        var mine = new SecretsFingerprint
        {
            Id = SecretsFingerprint.SingletonId,
            KeyGroupsFingerprint = keyGroups,
            SigningKeyIds = string.Join(',', signingKeyIds.Order(StringComparer.Ordinal)),
            RecordedAt = now,
        };
        var recorded = await db.SecretsFingerprints.AsNoTracking().SingleOrDefaultAsync(f => f.Id == SecretsFingerprint.SingletonId, ct);
        if (recorded is null)
        {
            db.SecretsFingerprints.Add(mine);
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException)
            {
                // Another node recorded its fingerprint at the same moment: compare with that one.
                db.ChangeTracker.Clear();
                recorded = await db.SecretsFingerprints.AsNoTracking().SingleAsync(f => f.Id == SecretsFingerprint.SingletonId, ct);
            }
        }

        if (recorded.KeyGroupsFingerprint != mine.KeyGroupsFingerprint || recorded.SigningKeyIds != mine.SigningKeyIds)
        {
            var what = recorded.KeyGroupsFingerprint != mine.KeyGroupsFingerprint ? "key-groups.key" : "the signing key";
            throw new StartRefusedException(ErrorCatalogue.SecretsMismatch,
                $"This node's {what} differs from the one this database was first started with on {recorded.RecordedAt:yyyy-MM-dd}: "
                + "copy the secrets folder from the first node and start with --secrets DIR.");
        }
    }
}
