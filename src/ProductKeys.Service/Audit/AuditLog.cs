using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ProductKeys.Data;
using ProductKeys.Data.Audit;

namespace ProductKeys.Service.Audit;

/// <summary>
/// Appends to the hash chain. Appends are serialized by the head row: on PostgreSQL a
/// <c>SELECT ... FOR UPDATE</c> taken first in the transaction (so every node waits its turn), on
/// SQLite the write lock that <c>BEGIN IMMEDIATE</c> takes. Every audited change takes this lock
/// first, so lock order is the same everywhere and writers never deadlock.
/// </summary>
internal sealed class AuditLog(LicensingDbContext db, TimeProvider time)
{
    /// <summary>Begins a transaction that holds the audit lock until it commits or rolls back.</summary>
    public async Task<IDbContextTransaction> BeginAsync(CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"AuditHeads\" WHERE \"Id\" = 1 FOR UPDATE", ct);
        }

        return tx;
    }

    /// <summary>Adds the next entry to the context; the caller saves and commits with its own changes.</summary>
    public async Task AppendAsync(string actor, string action, string subject, string detail, CancellationToken ct)
    {
        var head = await db.AuditHeads.SingleAsync(h => h.Id == AuditHead.SingletonId, ct);
        var now = time.GetUtcNow();
        // Milliseconds: what every provider stores exactly, so the hash verifies after a round trip.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var entry = AuditChain.Seal(head.LastSequence + 1, at, Clip(actor, 100), Clip(action, 64), Clip(subject, 200), detail, head.LastHash);
        db.AuditEntries.Add(entry);
        head.LastSequence = entry.Sequence;
        head.LastHash = entry.Hash;
        ServiceMetrics.AuditAppends.Add(1);
    }

    /// <summary>One entry in its own transaction (views and exports, which change nothing else).</summary>
    public async Task RecordAsync(string actor, string action, string subject, string detail, CancellationToken ct)
    {
        await using var tx = await BeginAsync(ct);
        await AppendAsync(actor, action, subject, detail, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
