namespace ProductKeys.Data.Audit;

/// <summary>One append-only audit record; <see cref="Hash"/> chains it to the previous one.</summary>
public sealed class AuditEntry
{
    public long Sequence { get; set; }

    /// <summary>UTC, truncated to milliseconds so every provider stores it exactly.</summary>
    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string Subject { get; set; }

    public required string Detail { get; set; }

    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }
}
