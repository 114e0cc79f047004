using System.Data.Common;
using System.Net;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Data.Activations;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Activations;

/// <summary>
/// From a key as typed to the issued key row: format and checksum, the security value under the
/// group's secret of some version (KEY_UNKNOWN for a forgery), then the row, which must have been issued
/// under that version (ADR 0024: an old secret that leaked derives no key issued after the rotation).
/// Failed guesses feed the throttle.
/// </summary>
internal sealed class IssuedKeyLookup(LicensingDbContext db, SqliteKeyReads sqliteReads, KeySecrets secrets, PublisherSigning signing, GuessThrottle throttle)
{
    /// <summary>Format and checksum only: a typo is not a guess, so it is not counted (<see cref="GuessThrottle"/>).</summary>
#pragma warning disable CA1822, IDE0060 // kept an instance method with the client: the callers' one entry to key checks
    public Outcome<ProductKey> Parse(string? text, IPAddress? client) => ProductKey.Parse(text);
#pragma warning restore CA1822, IDE0060

    public async Task<Outcome<IssuedKey>> FindAsync(ProductKey key, IPAddress? client, CancellationToken ct)
    {
        var found = await FindAsync(key, client, deviceHashes: null, ct);
        return found.IsSuccess ? found.Value.Key : found.Refusal;
    }

    /// <summary>
    /// The key's row and, in the same round trip, the MAK activations of that key that share a
    /// component hash with the device (<see cref="MakActivationSql.Candidates"/>).
    /// </summary>
    public async Task<Outcome<(IssuedKey Key, List<(Guid Id, string HardwareId)> Candidates)>> FindAsync(
        ProductKey key, IPAddress? client, IReadOnlyList<long>? deviceHashes, CancellationToken ct)
    {
        var versions = secrets.VersionsOf(key);

        // One round trip: the key's row (if any), the device's candidates, and the secrets the database records.
        var read = await ReadAsync(key, deviceHashes, ct);
        if (read is { } found && versions.Contains(found.Key.SecretVersion))
        {
            // A real key. On a node whose signing keys are older than the database's (another node rotated or withdrew
            // one) whatever it would sign could carry a retired or withdrawn key (ADR 0024): not the device's fault.
            return signing.HoldsEverySigningEntry(found.Recorded) ? (found.Key, found.Candidates) : SecretsFingerprints.Outdated();
        }

        // Not a key this node can verify: perhaps one issued under a key-group secret version it does not have yet
        // (rotated on another node) — only a row under such a version says so. Counted as a guess either way.
        var newer = versions.Count == 0 && read is { } issued && issued.Key.SecretVersion > secrets.CurrentVersion;
        if (await throttle.RecordFailureAsync(db, client, ct))
        {
            return new Refusal(ErrorCatalogue.RateLimited, "Too many unknown keys from this address: wait ten minutes. Keys the publisher issued still activate.");
        }

        return newer ? SecretsFingerprints.Outdated() : new Refusal(ErrorCatalogue.KeyUnknown);
    }

    /// <summary>
    /// Read straight: every activation runs this, and through EF Core's query pipeline (even
    /// compiled) it cost several times the database's work (docs/adr/0010-mak-consumption-write-paths.md);
    /// on SQLite on a connection kept open with the statement prepared (<see cref="SqliteKeyReads"/>).
    /// </summary>
    private async Task<(IssuedKey Key, List<(Guid, string)> Candidates, string? Recorded)?> ReadAsync(ProductKey key, IReadOnlyList<long>? deviceHashes, CancellationToken ct)
    {
        var sql = IssuedKeySql.Read + (deviceHashes is null ? "" : MakActivationSql.Candidates(IssuedKeySql.IdSubquery, deviceHashes.Count));
        if (db.IsPostgres)
        {
            await using var command = await MakActivationRows.CommandAsync(db, sql, ct);
            return await ReadAsync(command, key, deviceHashes, ct);
        }

        using var lease = sqliteReads.Rent();
        return await ReadAsync(lease.Command(sql), key, deviceHashes, ct);
    }

    private static async Task<(IssuedKey Key, List<(Guid, string)> Candidates, string? Recorded)?> ReadAsync(
        DbCommand command, ProductKey key, IReadOnlyList<long>? deviceHashes, CancellationToken ct)
    {
        MakActivationRows.Bind(command, "group", key.Group);
        MakActivationRows.Bind(command, "serial", key.Serial);
        MakActivationRows.Bind(command, "type", key.Type.ToString());
        MakActivationRows.BindHashes(command, deviceHashes ?? []);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var row = new IssuedKey
        {
            Id = reader.GetGuid(0),
            BillingAccountId = reader.GetGuid(1),
            OrderId = reader.GetGuid(2),
            KeyPackageId = reader.GetGuid(3),
            ProductId = reader.GetString(4),
            Type = key.Type,
            KeyGroup = key.Group,
            Serial = key.Serial,
            ActivationLimit = reader.GetInt32(5),
            ActivationsUsed = reader.GetInt32(6),
            Status = Enum.Parse<KeyStatus>(reader.GetString(7)),
            PartialKey = reader.GetString(8),
            SecretVersion = reader.GetInt32(9),
        };
        var recorded = reader.IsDBNull(10) ? null : reader.GetString(10);
        var candidates = deviceHashes is null || !await reader.NextResultAsync(ct)
            ? []
            : await MakActivationRows.ReadCandidatesAsync(reader, ct);
        return (row, candidates, recorded);
    }
}
