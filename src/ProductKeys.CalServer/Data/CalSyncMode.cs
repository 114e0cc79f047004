namespace ProductKeys.CalServer.Data;

/// <summary>
/// How far each commit of the CAL database is pushed before its answers leave: SQLite's <c>synchronous</c>
/// setting in WAL mode (docs/adr/0018-cal-server.md, "Durability"). Either way a killed server process loses
/// nothing it answered; they differ on a power loss or an operating system crash.
/// </summary>
public enum CalSyncMode
{
    /// <summary>
    /// The default: commits reach the operating system (as <see cref="Normal"/>), and a commit that grants or renews a
    /// permanent device CAL is flushed to the disk before its answers leave (<see cref="CommitDurability"/>): a power
    /// cut cannot make the server grant a permanent CAL twice. What a power cut may lose — the last per-user CALs,
    /// the last first connections' temporary CALs — is served again when asked (a user is never refused; a device
    /// starts again as a first connection).
    /// </summary>
    Auto,

    /// <summary>Commits reach the operating system before the answers leave; a power loss may lose the last ones.</summary>
    Normal,

    /// <summary>The write-ahead log is flushed to the disk (fsync) on every commit: survives a power loss too.</summary>
    Full,
}
