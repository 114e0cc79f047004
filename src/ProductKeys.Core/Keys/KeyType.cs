namespace ProductKeys.Core.Keys;

/// <summary>The four key types of docs/product.md §2, with their 2-bit wire values (docs/product.md §7).</summary>
public enum KeyType
{
    /// <summary>Generic key that installs the product; never activates.</summary>
    Setup = 0,

    /// <summary>Multiple Activation Key: online, permanent, counted.</summary>
    Mak = 1,

    /// <summary>Lets a customer run a KMS host.</summary>
    KmsHost = 2,

    /// <summary>Generic public key telling a device to activate through a KMS host.</summary>
    KmsClientSetup = 3,
}
