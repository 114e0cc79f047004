namespace ProductKeys.Client.Licensing;

/// <summary>The license states of docs/product.md §3.</summary>
public enum LicenseState
{
    /// <summary>No key installed.</summary>
    Unlicensed,

    /// <summary>A key is installed but the device has not activated yet; 30 days from first install.</summary>
    InitialGrace,

    /// <summary>Activated: permanently (MAK) or until the KMS activation lapses.</summary>
    Licensed,

    /// <summary>The activation no longer holds (hardware change, KMS lapse); 30 days to reactivate.</summary>
    OutOfToleranceGrace,

    /// <summary>Grace ran out: the product still runs and should remind the user to activate.</summary>
    Notification,
}
