namespace ProductKeys.CalServer.Data;

/// <summary>A permanent device CAL the operator took back into the pool (<c>pk cal-server revoke-device</c>).</summary>
/// <param name="Device">The device ID.</param>
/// <param name="CalId">The CAL it held.</param>
/// <param name="RevokedAt">When, on the ledger's clock.</param>
/// <param name="SignedUntil">Until when the device's last signed CAL stays valid offline.</param>
/// <param name="Used">Revocations within the window, this one included.</param>
/// <param name="Allowed">Revocations allowed within the window.</param>
public sealed record DeviceRevocation(string Device, string CalId, DateTimeOffset RevokedAt, DateTimeOffset SignedUntil, long Used, long Allowed);
