namespace ProductKeys.Core.Contracts;

/// <summary>
/// An offline activation response file (<c>pk atp</c>): the signed certificate, or the refusal
/// with its stable code (docs/formats/offline-activation-v1.md).
/// </summary>
/// <param name="Format">Always <c>pk-offline-response-v1</c>.</param>
/// <param name="HardwareId">The hardware ID of the request it answers.</param>
/// <param name="Certificate">The signed activation certificate, when activated.</param>
/// <param name="Code">The refusal code, when refused.</param>
/// <param name="Detail">The refusal detail, when refused.</param>
public sealed record OfflineActivationResponse(string? Format, string? HardwareId, string? Certificate, string? Code, string? Detail)
{
    /// <summary>The format tag.</summary>
    public const string FormatV1 = "pk-offline-response-v1";
}
