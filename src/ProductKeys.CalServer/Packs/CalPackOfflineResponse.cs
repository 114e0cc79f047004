using ProductKeys.Core.Errors;

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
/// <param name="PublisherKeyLists">
/// The publisher's signed key lists, when activated (docs/formats/publisher-key-list-v1.md): how a data folder that trusts an
/// earlier key learns the one that signed the pack certificate (ADR 0024). <c>null</c> in files from before they were carried.
/// </param>
public sealed record CalPackOfflineResponse(string? Format, string? ServerId, string? PackCertificate, string? Code, string? Detail, IReadOnlyList<string>? PublisherKeyLists = null)
{
    /// <summary>The format tag.</summary>
    public const string FormatV1 = "pk-cal-pack-response-v1";

    /// <summary>
    /// The refusals the service answers a CAL pack activation with, the only codes a response file may carry: any other
    /// (INTERNAL_ERROR, a made-up one) says the file is not what <c>pk offline activate</c> wrote.
    /// </summary>
    private static readonly ErrorCode[] Refusals =
    [
        ErrorCatalogue.KeyMalformed, ErrorCatalogue.KeyChecksum, ErrorCatalogue.KeyUnknown, ErrorCatalogue.KeyNotForProduct, ErrorCatalogue.KeyBlocked,
        ErrorCatalogue.KeyWrongUse, ErrorCatalogue.MakLimitReached, ErrorCatalogue.CalModeMismatch, ErrorCatalogue.ValidationFailed, ErrorCatalogue.SecretsMismatch,
    ];

    /// <summary>The refusal a response file carries, its code kept only when the service could have answered it.</summary>
    public static Refusal Refusal(string code, string? detail) =>
        Refusals.FirstOrDefault(e => e.Code == code) is { } known
            ? new Refusal(known, detail ?? known.Message)
            : new Refusal(ErrorCatalogue.OfflineDataInvalid, $"The response file carries the code '{(code.Length > 40 ? code[..40] : code)}', which no CAL pack activation answers: make a new request with 'pk cal-server install-pack --offline-request FILE'.");
}
