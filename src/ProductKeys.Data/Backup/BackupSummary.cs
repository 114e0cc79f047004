using ProductKeys.Core.Files;

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

    /// <summary>
    /// What to do after restoring into <paramref name="dataDirectory"/>: migrate when the backup is older, then start with its
    /// secrets. The command is on a line of its own and its path quoted for the shell, so a path with a space or a <c>$</c> is copied whole.
    /// </summary>
    public string NextSteps(string dataDirectory) =>
        (PendingMigrations.Count > 0
            ? $"The backup's schema is older than this pk ({PendingMigrations.Count} migration(s) to apply): run\n  pk db migrate --data {ShellWord.Quote(dataDirectory)}\nthen start the server"
            : "Start the server")
        + " with the secrets the backup was made under (--secrets DIR), then run 'pk audit verify'.";

    private long Count(string table) => Rows.TryGetValue(table, out var rows) ? rows : 0;
}
