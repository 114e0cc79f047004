using ProductKeys.Core.Contracts;

namespace ProductKeys.CalServer.Packs;

/// <summary>
/// The file <c>pk cal-server install-pack --offline-request FILE</c> writes and <c>pk offline activate</c>
/// answers (docs/formats/offline-activation-v1.md, format <c>pk-cal-pack-request-v1</c>).
/// </summary>
/// <param name="Format">Always <see cref="FormatV1"/>.</param>
/// <param name="Key">The CAL pack's MAK.</param>
/// <param name="ServerId">The CAL server's ID.</param>
/// <param name="ServerPublicKey">The CAL server's public key, PEM.</param>
/// <param name="InstallPurchased">Install the purchased quantity instead of the pack size.</param>
/// <param name="CreatedAt">When the request was written.</param>
public sealed record CalPackOfflineRequest(string? Format, string? Key, string? ServerId, string? ServerPublicKey, bool InstallPurchased, DateTimeOffset? CreatedAt)
{
    /// <summary>The format tag.</summary>
    public const string FormatV1 = "pk-cal-pack-request-v1";

    /// <summary>The body of <c>POST /api/v1/cal-pack-activations</c> it stands for.</summary>
    public CalPackActivationRequest ToActivationRequest() => new(Key, ServerId, ServerPublicKey, InstallPurchased);
}
