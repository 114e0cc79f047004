using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Signing;

/// <summary>
/// Asked before an activation is sent (a device's MAK, a KMS host, a CAL pack): does the key the service signs with now
/// (the first of <c>GET /api/v1/publisher-keys</c>) verify here? When it does not, the service would count the activation and
/// its certificate would then be refused: a wrong <c>--trust</c> cost an activation, or a CAL pack's or host key's slot.
/// A guard against an operator's mistake, not a security control: an answer that cannot be had lets the activation go ahead
/// (the certificate is verified when it comes back in any case), and a man in the middle who could fake this answer could as
/// well drop the activation's own.
/// </summary>
public static class ServiceSigningKey
{
    /// <summary>The refusal when the service names a signing key <paramref name="trusted"/> lacks; <c>null</c> when it may go ahead.</summary>
    /// <param name="trusted">What the caller trusts, after the key lists the service publishes.</param>
    /// <param name="published">The service's answer; one that says nothing (an error, no keys) decides nothing.</param>
    /// <param name="service">The service, for the message.</param>
    public static Refusal? RefuseUntrusted(TrustedKeySet trusted, Outcome<PublisherKeysResponse> published, Uri service)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        if (!published.IsSuccess || published.Value.Keys is not [{ KeyId: { Length: > 0 } signing }, ..] || trusted.Find(signing) is not null)
        {
            return null;
        }

        return new Refusal(ErrorCatalogue.SignatureInvalid,
            $"The service at {service} signs with publisher key {signing}, which is not trusted here (trusted: {string.Join(", ", trusted.Keys.Select(k => k.KeyId))}), "
            + "and no key list it publishes leads there: nothing was activated. Give the publisher's keys ('pk publisher-keys export' from a machine you trust, then --trust FILE), or check --service.");
    }
}
