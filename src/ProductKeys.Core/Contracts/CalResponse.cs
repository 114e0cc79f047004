namespace ProductKeys.Core.Contracts;

/// <summary>Answer of a CAL server's <c>POST /api/v1/cals</c>.</summary>
/// <param name="Mode"><c>PerUser</c> or <c>PerDevice</c>.</param>
/// <param name="User">The user (per user).</param>
/// <param name="Device">The device (per device).</param>
/// <param name="Pool">Per user: <c>Installed</c> (from the installed packs) or <c>OverUsed</c> (the over-used pool).</param>
/// <param name="Kind">Per device: <c>Temporary</c> or <c>Permanent</c>.</param>
/// <param name="CalId">Per device: the CAL's id.</param>
/// <param name="Expires">When the CAL lapses unless used again (per device temporary: never extended).</param>
/// <param name="ServerId">The CAL server's ID.</param>
/// <param name="Cal">Per device: the signed device CAL (docs/formats/device-cal-v1.md).</param>
/// <param name="PackCertificate">Per device: the pack certificate that vouches for the CAL's signer.</param>
public sealed record CalResponse(
    string Mode, string? User, string? Device, string? Pool, string? Kind, string? CalId, DateTimeOffset Expires, string ServerId,
    string? Cal, string? PackCertificate);
