using ProductKeys.Core.Cal;

namespace ProductKeys.Data.Catalog;

/// <summary>A product in the catalog: which keys an order of it yields and how MAK limits are set.</summary>
public sealed class Product
{
    /// <summary>A slug such as <c>contoso-desktop</c>.</summary>
    public required string Id { get; set; }

    public required string Name { get; set; }

    public ProductCategory Category { get; set; }

    /// <summary>CAL products only: per user or per device (docs/product.md §5); <c>null</c> for every other category.</summary>
    public CalMode? CalType { get; set; }

    /// <summary>The 20-bit key group every key of this product carries.</summary>
    public int KeyGroup { get; set; }

    /// <summary>An order also yields one KMS host key (volume products with KMS rights).</summary>
    public bool YieldsKmsHostKey { get; set; }

    /// <summary>MAK limit = max(ceil(quantity × percent / 100), quantity + minimum).</summary>
    public int HeadroomPercent { get; set; } = 125;

    public int HeadroomMinimum { get; set; } = 5;

    /// <summary>Distinct clients a KMS host must see before it activates this product.</summary>
    public int KmsThreshold { get; set; }
}
