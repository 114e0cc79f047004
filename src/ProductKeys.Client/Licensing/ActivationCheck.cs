namespace ProductKeys.Client.Licensing;

/// <summary>What re-checking the stored activation on load found.</summary>
public enum ActivationCheck
{
    /// <summary>No activation is stored.</summary>
    None,

    /// <summary>The certificate verifies and the hardware is within tolerance.</summary>
    Holds,

    /// <summary>The certificate verifies but the hardware changed significantly.</summary>
    HardwareChanged,

    /// <summary>The certificate does not verify (tampered, untrusted, for another product): it counts for nothing.</summary>
    Invalid,
}
