namespace ProductKeys.Data.Backup;

/// <summary>What a SQLite backup (or a restored database) holds: printed by <c>pk db backup</c> and <c>pk db restore</c>.</summary>
/// <param name="Path">The file.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Schema">The last migration applied (the schema version).</param>
/// <param name="PendingMigrations">Migrations this version has that the file has not: run <c>pk db migrate</c> after restoring.</param>
/// <param name="Rows">Rows per table of the licensing service.</param>
/// <param name="AuditSequence">The audit chain's last entry (docs/adr/0004-audit-hash-chain.md).</param>
/// <param name="AuditHash">That entry's hash: keep it with the backup, so a rewritten chain is noticed.</param>
public sealed record BackupSummary(
    string Path, long Bytes, string Schema, IReadOnlyList<string> PendingMigrations, IReadOnlyDictionary<string, long> Rows, long AuditSequence, string AuditHash)
{
    /// <summary>One line for people.</summary>
    public string Describe() =>
        $"schema {Schema}, {Count("Keys")} keys, {Count("MakActivations")} MAK activations, {Count("AuditEntries")} audit entries "
        + $"(head #{AuditSequence} {AuditHash}), {Bytes} bytes";

    private long Count(string table) => Rows.TryGetValue(table, out var rows) ? rows : 0;
}
