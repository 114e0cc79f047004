namespace ProductKeys.Data.Audit;

/// <summary>
/// The single row that points at the newest audit entry. Appenders lock it, so appends are
/// serialized across service nodes, and a deleted tail is still noticed.
/// </summary>
public sealed class AuditHead
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public long LastSequence { get; set; }

    public required string LastHash { get; set; }
}
