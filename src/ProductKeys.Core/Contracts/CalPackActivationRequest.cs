namespace ProductKeys.Core.Contracts;

/// <summary>
/// Body of <c>POST /api/v1/cal-pack-activations</c> (<c>pk cal-server install-pack</c>): a CAL pack's
/// MAK, the CAL server's ID and public key, which the pack certificate certifies.
/// </summary>
/// <param name="Key">The CAL pack's MAK as typed.</param>
/// <param name="ServerId">The CAL server's ID (stable for the life of its data folder).</param>
/// <param name="ServerPublicKey">The CAL server's P-256 public key, PEM <c>PUBLIC KEY</c>.</param>
/// <param name="InstallPurchased">Install the purchased quantity instead of the pack size (500).</param>
public sealed record CalPackActivationRequest(string? Key, string? ServerId, string? ServerPublicKey, bool InstallPurchased = false);
