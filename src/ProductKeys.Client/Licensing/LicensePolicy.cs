namespace ProductKeys.Client.Licensing;

/// <summary>The timers and limits of SPEC §3 (public practice defaults).</summary>
public static class LicensePolicy
{
    /// <summary>Initial grace after the first key install.</summary>
    public static readonly TimeSpan InitialGrace = TimeSpan.FromDays(30);

    /// <summary>Out-of-tolerance grace after a significant hardware change or a KMS lapse.</summary>
    public static readonly TimeSpan OutOfToleranceGrace = TimeSpan.FromDays(30);

    /// <summary>A KMS activation is valid this long after the last successful renewal.</summary>
    public static readonly TimeSpan KmsValidity = TimeSpan.FromDays(180);

    /// <summary>Rearms allowed on MAK and setup-key devices (unlimited for KMS clients).</summary>
    public const int MaxRearms = 3;

    /// <summary>
    /// How far back the clock may step (NTP corrections, time zones handled in UTC already) before
    /// it counts as tampering.
    /// </summary>
    public static readonly TimeSpan ClockRollbackTolerance = TimeSpan.FromMinutes(10);
}
