using System.ComponentModel.DataAnnotations;
using ProductKeys.Core.Kms;

namespace ProductKeys.Service.Orders;

/// <summary>Order limits and CAL packaging (section "Orders").</summary>
internal sealed class OrderOptions
{
    [Range(1, 100_000_000)]
    public int MaxQuantity { get; set; } = 1_000_000;

    /// <summary>The quantity a CAL pack shows when installed, and the size of split CAL orders (docs/product.md §5).</summary>
    [Range(1, 1_000_000)]
    public int CalPackSize { get; set; } = 500;

    /// <summary>
    /// Distinct CAL servers a CAL order's MAK may install its pack on: the server and one move to new
    /// hardware (docs/product.md §5). Each key keeps the limit it was issued with.
    /// </summary>
    [Range(1, 100)]
    public int CalServerLimit { get; set; } = 2;

    /// <summary>
    /// Distinct hosts a KMS host key of a new order may activate; defaults to the rule's
    /// <see cref="KmsHostKeyLimits.MaxHosts"/>. Each key keeps the limit it was issued with.
    /// </summary>
    [Range(1, 1000)]
    public int KmsHostLimit { get; set; } = KmsHostKeyLimits.MaxHosts;
}
