namespace ProductKeys.Core.Signing;

/// <summary>
/// What a signed artifact is for (docs/product.md §8). The purpose is written inside the signed bytes as its
/// wire name (<see cref="ArtifactPurposeExtensions.WireName"/>), so an artifact of one kind can
/// never be passed off as another: the verifier is always told which kind it expects.
/// </summary>
public enum ArtifactPurpose
{
    /// <summary><c>pk/activation-certificate/v1</c>: a device's online (MAK) activation.</summary>
    ActivationCertificate = 1,

    /// <summary><c>pk/kms-host-certificate/v1</c>: an activated KMS host.</summary>
    KmsHostCertificate = 2,

    /// <summary><c>pk/kms-client-certificate/v1</c>: a device activated by a KMS host.</summary>
    KmsClientCertificate = 3,

    /// <summary><c>pk/cal-pack/v1</c>: a CAL pack installation.</summary>
    CalPack = 4,

    /// <summary><c>pk/offline-response/v1</c>: the answer to an offline activation request.</summary>
    OfflineResponse = 5,

    /// <summary><c>pk/usage-report/v1</c>: a usage report from a KMS host or CAL server.</summary>
    UsageReport = 6,

    /// <summary><c>pk/device-cal/v1</c>: a per-device CAL a CAL server gave a device.</summary>
    DeviceCal = 7,

    /// <summary><c>pk/publisher-key-list/v1</c>: the publisher's signing keys, which is current, which are withdrawn.</summary>
    PublisherKeyList = 8,
}
