namespace ProductKeys.Core.Cal;

/// <summary>How a CAL product is licensed (docs/product.md §5). Stored and sent by name.</summary>
public enum CalMode
{
    /// <summary>One CAL per named user; never blocks a session (the over-used pool).</summary>
    PerUser = 1,

    /// <summary>One CAL per device: temporary first, permanent while one is free.</summary>
    PerDevice = 2,
}
