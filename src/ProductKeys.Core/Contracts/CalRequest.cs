namespace ProductKeys.Core.Contracts;

/// <summary>
/// Body of a CAL server's <c>POST /api/v1/cals</c> (docs/product.md §5): <c>{"mode":"PerUser","user":NAME}</c>
/// or <c>{"mode":"PerDevice","device":ID}</c>.
/// </summary>
/// <param name="Mode"><c>PerUser</c> or <c>PerDevice</c>.</param>
/// <param name="User">The user's name (per user).</param>
/// <param name="Device">The device's ID (per device); the device CAL is bound to it.</param>
public sealed record CalRequest(string? Mode, string? User = null, string? Device = null);
