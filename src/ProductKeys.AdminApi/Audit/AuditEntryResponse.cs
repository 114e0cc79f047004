namespace ProductKeys.AdminApi.Audit;

/// <summary>One audit entry with its chain hash.</summary>
public sealed record AuditEntryResponse(long Sequence, DateTimeOffset At, string Actor, string Action, string Subject, string Detail, string Hash);
