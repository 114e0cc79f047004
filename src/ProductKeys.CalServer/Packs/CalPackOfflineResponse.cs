namespace ProductKeys.CalServer.Packs;

/// <summary>
/// The answer <c>pk offline activate</c> writes for a CAL pack request and <c>pk cal-server install-pack
/// --offline-response FILE</c> installs (format <c>pk-cal-pack-response-v1</c>): the pack certificate,
/// or the refusal with its stable code.
/// </summary>
/// <param name="Format">Always <see cref="FormatV1"/>.</param>
/// <param name="ServerId">The CAL server the request came from.</param>
/// <param name="PackCertificate">The pack certificate signed by the publisher, when activated.</param>
/// <param name="Code">The refusal code, when refused.</param>
/// <param name="Detail">The refusal detail, when refused.</param>
public sealed record CalPackOfflineResponse(string? Format, string? ServerId, string? PackCertificate, string? Code, string? Detail)
{
    /// <summary>The format tag.</summary>
    public const string FormatV1 = "pk-cal-pack-response-v1";
}
