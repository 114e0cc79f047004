namespace ProductKeys.CalServer.Data;

/// <summary>
/// How far each commit of the CAL database is pushed before its answers leave: SQLite's <c>synchronous</c>
/// setting in WAL mode (docs/adr/0018-cal-server.md, "Durability"). Either way a killed server process loses
/// nothing it answered; they differ on a power loss or an operating system crash.
/// </summary>
public enum CalSyncMode
{
    /// <summary>
    /// The default: <see cref="Normal"/> when every pack installed at start is per user (a per-user CAL is never
    /// refused for count, so a record lost to a power cut costs only a line of the report and the user is served
    /// again), <see cref="Full"/> otherwise — a per-device grant is a limit, and a permanent CAL forgotten after a
    /// power cut could be granted twice.
    /// </summary>
    Auto,

    /// <summary>Commits reach the operating system before the answers leave; a power loss may lose the last ones.</summary>
    Normal,

    /// <summary>The write-ahead log is flushed to the disk (fsync) on every commit: survives a power loss too.</summary>
    Full,
}
