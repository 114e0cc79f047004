namespace ProductKeys.Client.Licensing;

/// <summary>
/// The timers and limits of docs/product.md §3 (public practice defaults). A KMS activation's 180 days are the
/// certificate's own (<see cref="Core.Certificates.KmsClientCertificate.Validity"/>, its expiry
/// signed by the host); the KMS client's renewal and retry intervals are
/// <see cref="Core.Kms.KmsProtocol"/>'s.
/// </summary>
public static class LicensePolicy
{
    /// <summary>Initial grace after the first key install.</summary>
    public static readonly TimeSpan InitialGrace = TimeSpan.FromDays(30);

    /// <summary>Out-of-tolerance grace after a significant hardware change or a KMS lapse.</summary>
    public static readonly TimeSpan OutOfToleranceGrace = TimeSpan.FromDays(30);

    /// <summary>Rearms allowed on MAK and setup-key devices (unlimited for KMS clients).</summary>
    public const int MaxRearms = 3;

    /// <summary>
    /// How far back the clock may step (NTP corrections, time zones handled in UTC already) before
    /// it counts as tampering.
    /// </summary>
    public static readonly TimeSpan ClockRollbackTolerance = TimeSpan.FromMinutes(10);
}
