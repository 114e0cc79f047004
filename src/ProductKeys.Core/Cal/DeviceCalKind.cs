namespace ProductKeys.Core.Cal;

/// <summary>What a device holds (docs/product.md §5).</summary>
public enum DeviceCalKind
{
    /// <summary>Given on a device's first connection; valid 90 days, never renewed.</summary>
    Temporary = 1,

    /// <summary>Taken from an installed per-device pack; returns to the pool after 89 days unused.</summary>
    Permanent = 2,
}
