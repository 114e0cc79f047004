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

    /// <summary>
    /// Records the fingerprint on first start; afterwards refuses secrets that differ. The entries (publisher key IDs,
    /// withdrawals, key-group secret versions) only grow with rotations (ADR 0024): a node holding everything the
    /// database recorded and more has newer secrets, and its start records them; a node missing an entry has older
    /// or other secrets and is refused.
    /// </summary>
    public static async Task VerifyOrRecordAsync(LicensingDbContext db, string keyGroups, IEnumerable<string> entries, DateTimeOffset now, CancellationToken ct)
    {
        var mineEntries = entries.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var mine = new SecretsFingerprint
        {
            Id = SecretsFingerprint.SingletonId,
            KeyGroupsFingerprint = keyGroups,
            SigningKeyIds = string.Join(',', mineEntries),
            RecordedAt = now,
        };
        var recorded = await db.SecretsFingerprints.SingleOrDefaultAsync(f => f.Id == SecretsFingerprint.SingletonId, ct);
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
                recorded = await db.SecretsFingerprints.SingleAsync(f => f.Id == SecretsFingerprint.SingletonId, ct);
            }
        }

        var missing = recorded.SigningKeyIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Except(mineEntries, StringComparer.Ordinal).ToList();
        if (recorded.KeyGroupsFingerprint != mine.KeyGroupsFingerprint || missing.Count > 0)
        {
            var what = recorded.KeyGroupsFingerprint != mine.KeyGroupsFingerprint ? "key-groups.key"
                : missing.Any(m => m.StartsWith(KeySecrets.VersionEntryPrefix, StringComparison.Ordinal)) ? "key-group secrets (a newer version is missing)"
                : "publisher signing keys (older than the database's, or others)";
            throw new StartRefusedException(ErrorCatalogue.SecretsMismatch,
                $"This node's {what} differ from those this database has recorded since {recorded.RecordedAt:yyyy-MM-dd}: "
                + "copy the secrets folder from the first node (after a rotation, the rotated folder) and start with --secrets DIR.");
        }

        if (recorded.SigningKeyIds != mine.SigningKeyIds)
        {
            // Newer secrets (a rotation): record them, so nodes still holding the old folder are refused from now on.
            recorded.SigningKeyIds = mine.SigningKeyIds;
            recorded.RecordedAt = now;
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// A running node started before another node rotated the key-group secret (ADR 0024) cannot derive keys issued
    /// under the new version, and must not issue keys under the old one: SECRETS_MISMATCH, instead of an error, until
    /// it restarts with the rotated folder (its readiness check fails meanwhile: Health/SecretsHealthCheck). Compares
    /// the recorded key-group versions with their fingerprints, so a folder rotated apart from the recorded one is
    /// refused too, not only an older one.
    /// </summary>
    /// <returns>The refusal, or null when this node holds every key-group secret version the database has recorded.</returns>
    public static async Task<Refusal?> RefuseOutdatedAsync(LicensingDbContext db, KeySecrets secrets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return HoldsEveryVersion(await RecordedEntriesAsync(db, ct), secrets) ? null : Outdated();
    }

    /// <summary>
    /// Whether <paramref name="secrets"/> holds every key-group secret version in <paramref name="recordedEntries"/>
    /// (the database's fingerprint entries), each with the recorded fingerprint. Signing entries aside:
    /// <see cref="Activations.PublisherSigning.HoldsEverySigningEntry"/> compares those.
    /// </summary>
    public static bool HoldsEveryVersion(string? recordedEntries, KeySecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var mine = secrets.FingerprintEntries().ToHashSet(StringComparer.Ordinal);
        return (recordedEntries ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .All(e => !e.StartsWith(KeySecrets.VersionEntryPrefix, StringComparison.Ordinal) || mine.Contains(e));
    }

    /// <summary>
    /// The refusal of a node behind a rotation. Callers include anonymous devices: it names no version and no
    /// folder (the readiness check and the operator's docs do).
    /// </summary>
    public static Refusal Outdated() => new(ErrorCatalogue.SecretsMismatch,
        "This node's publisher secrets are older than the shared database's (another node rotated them): another node answers; the operator restarts this one with the rotated secrets folder.");

    private static async Task<string> RecordedEntriesAsync(LicensingDbContext db, CancellationToken ct) =>
        await db.SecretsFingerprints.AsNoTracking()
            .Where(f => f.Id == SecretsFingerprint.SingletonId).Select(f => f.SigningKeyIds).SingleOrDefaultAsync(ct) ?? "";
}
