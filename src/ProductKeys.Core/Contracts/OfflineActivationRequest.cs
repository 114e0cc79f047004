namespace ProductKeys.Core.Contracts;

/// <summary>
/// An offline activation request file (<c>pk dti</c>), carried to a connected machine
/// (docs/formats/offline-activation-v1.md).
/// </summary>
/// <param name="Format">Always <c>pk-offline-request-v1</c>.</param>
/// <param name="Product">The product id.</param>
/// <param name="Key">The installed MAK.</param>
/// <param name="HardwareId">The device's hardware ID for the product.</param>
/// <param name="CreatedAt">When the request was written.</param>
public sealed record OfflineActivationRequest(string? Format, string? Product, string? Key, string? HardwareId, DateTimeOffset? CreatedAt)
{
    /// <summary>The format tag.</summary>
    public const string FormatV1 = "pk-offline-request-v1";
}
