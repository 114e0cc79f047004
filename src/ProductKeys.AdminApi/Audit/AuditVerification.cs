namespace ProductKeys.AdminApi.Audit;

/// <summary>The result of checking the chain: valid, or the first sequence number that is wrong and why.</summary>
public sealed record AuditVerification(bool Valid, long VerifiedEntries, long? FirstBrokenSequence, string? Problem)
{
    public static AuditVerification Broken(long verified, long sequence, string problem) => new(false, verified, sequence, problem);
}
