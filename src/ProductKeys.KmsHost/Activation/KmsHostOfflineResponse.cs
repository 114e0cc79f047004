using ProductKeys.Core.Errors;

namespace ProductKeys.KmsHost.Activation;

/// <summary>
/// The answer <c>pk offline activate</c> writes for a KMS host request and <c>pk kms-host activate
/// --offline-response FILE</c> installs (format <c>pk-kms-host-response-v1</c>): the host certificate,
/// or the refusal with its stable code.
/// </summary>
/// <param name="Format">Always <see cref="FormatV1"/>.</param>
/// <param name="HostId">The host the request came from.</param>
/// <param name="HostCertificate">The host certificate signed by the publisher, when activated.</param>
/// <param name="Code">The refusal code, when refused.</param>
/// <param name="Detail">The refusal detail, when refused.</param>
/// <param name="PublisherKeyLists">
/// The publisher's signed key lists, when activated (docs/formats/publisher-key-list-v1.md): how a data folder that trusts an
/// earlier key learns the one that signed the host certificate (ADR 0024). <c>null</c> in files from before they were carried.
/// </param>
public sealed record KmsHostOfflineResponse(string? Format, string? HostId, string? HostCertificate, string? Code, string? Detail, IReadOnlyList<string>? PublisherKeyLists = null)
{
    /// <summary>The format tag.</summary>
    public const string FormatV1 = "pk-kms-host-response-v1";

    /// <summary>
    /// The refusals the service answers a KMS host activation with (<c>POST /api/v1/kms-host-activations</c>), the only codes a
    /// response file may carry: any other (INTERNAL_ERROR, TLS_UNTRUSTED, a made-up one) says the file is not what
    /// <c>pk offline activate</c> wrote, and must not choose this command's exit code.
    /// </summary>
    private static readonly ErrorCode[] Refusals =
    [
        ErrorCatalogue.KeyMalformed, ErrorCatalogue.KeyChecksum, ErrorCatalogue.KeyUnknown, ErrorCatalogue.KeyWrongUse, ErrorCatalogue.KeyBlocked,
        ErrorCatalogue.SetupKeyCannotActivate, ErrorCatalogue.KmsHostKeyLimit, ErrorCatalogue.ValidationFailed, ErrorCatalogue.RateLimited,
        ErrorCatalogue.SecretsMismatch,
    ];

    /// <summary>The refusal a response file carries, its code kept only when the service could have answered it.</summary>
    public static Refusal Refusal(string code, string? detail) =>
        Refusals.FirstOrDefault(e => e.Code == code) is { } known
            ? new Refusal(known, detail ?? known.Message)
            : new Refusal(ErrorCatalogue.OfflineDataInvalid, $"The response file carries the code '{(code.Length > 40 ? code[..40] : code)}', which no KMS host activation answers: make a new request with 'pk kms-host activate --offline-request FILE'.");
}
