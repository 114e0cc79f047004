namespace ProductKeys.Core.Kms;

/// <summary>The numbers both sides of the KMS protocol agree on (docs/product.md §3, §4; docs/formats/kms-protocol-v1.md).</summary>
public static class KmsProtocol
{
    /// <summary>The port a KMS host listens on unless told otherwise.</summary>
    public const int DefaultPort = 16880;

    /// <summary>The path a client posts its request to.</summary>
    public const string ActivatePath = "/kms/v1/activate";

    /// <summary>The DNS SRV service label: <c>_pk-kms._tcp.&lt;domain&gt;</c>.</summary>
    public const string SrvPrefix = "_pk-kms._tcp.";

    /// <summary>How often an activated client renews.</summary>
    public static readonly TimeSpan DefaultRenewalInterval = TimeSpan.FromDays(7);

    /// <summary>How soon a not-yet-activated client, or one whose renewal failed, tries again.</summary>
    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromHours(2);

    /// <summary>The shortest interval a host may ask for.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(15);

    /// <summary>The longest interval a host may ask for.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(30);

    /// <summary>Largest difference between client and host clocks the host accepts.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromHours(4);

    /// <summary>A client counts towards the threshold for this long after it was last seen.</summary>
    public static readonly TimeSpan CountWindow = TimeSpan.FromDays(30);

    /// <summary>Keeps a host-supplied interval within <see cref="MinInterval"/> and <see cref="MaxInterval"/>.</summary>
    public static TimeSpan Bound(TimeSpan interval) =>
        interval < MinInterval ? MinInterval : interval > MaxInterval ? MaxInterval : interval;
}
