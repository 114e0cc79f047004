namespace ProductKeys.KmsHost;

/// <summary>
/// How far each commit of the count database is pushed before the host answers: SQLite's
/// <c>synchronous</c> setting in WAL mode (docs/adr/0003-kms-count-persistence.md).
/// </summary>
public enum KmsSyncMode
{
    /// <summary>
    /// The default. A commit has been written to the operating system before the answer leaves, so
    /// it survives the host process being killed; a power loss or an operating system crash may lose
    /// the last commits (the database itself stays consistent).
    /// </summary>
    Normal,

    /// <summary>The write-ahead log is flushed to the disk (fsync) on every commit: survives a power loss too.</summary>
    Full,
}
