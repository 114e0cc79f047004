namespace ProductKeys.Client.Licensing;

/// <summary>How the device was activated.</summary>
public enum ActivationKind
{
    /// <summary>Online or offline against the licensing service with a MAK; permanent.</summary>
    Mak,

    /// <summary>Through the customer's KMS host; valid 180 days after the last renewal.</summary>
    Kms,
}
