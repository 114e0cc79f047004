using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Tls;

namespace ProductKeys.Client.Tls;

/// <summary>
/// How a client believes the TLS certificates of the servers it talks to (the licensing service, KMS
/// hosts, CAL servers). By default the system's trust store decides, as for any HTTPS client. A
/// <b>pin</b> (<see cref="TlsPin"/>) trusts one key whatever signed it: a self-signed development
/// certificate, or a certificate from a private CA; a pinned leaf key is enough on its own, a pinned CA
/// key still needs the host name to match and a chain whose signatures verify up to it. <b>CA certificates</b> replace the system store: the chain
/// must end at one of them and the name must match. With both, either is enough; with either, the system
/// store is no longer consulted. Nothing else is ever accepted: there is no "trust any certificate" switch.
/// </summary>
public sealed class ServerTrust
{
    private readonly HashSet<string> _pins;
    private readonly X509Certificate2Collection _authorities;

    private ServerTrust(IEnumerable<string> pins, X509Certificate2Collection authorities)
    {
        _pins = new HashSet<string>(pins, StringComparer.Ordinal);
        _authorities = authorities;
        Pins = [.. _pins.Order(StringComparer.Ordinal)];
    }

    /// <summary>The system's trust store alone.</summary>
    public static ServerTrust SystemStore { get; } = new([], []);

    /// <summary>The pinned keys (<see cref="TlsPin"/> form), sorted.</summary>
    public IReadOnlyList<string> Pins { get; }

    /// <summary>The CA certificates that replace the system store, or none.</summary>
    public IReadOnlyList<X509Certificate2> Authorities => [.. _authorities];

    /// <summary>True when the system store decides (no pin, no CA).</summary>
    public bool IsSystemStore => _pins.Count == 0 && _authorities.Count == 0;

    /// <summary>Trust from pins and CA certificates (PEM text holding one or more <c>CERTIFICATE</c> blocks).</summary>
    /// <param name="pins">Pins as typed (<see cref="TlsPin.TryParse"/>); none for no pin.</param>
    /// <param name="authoritiesPem">CA certificates as PEM text, or <c>null</c> for the system store.</param>
    /// <returns>The trust, or <c>VALIDATION_FAILED</c> naming a pin or a CA file that is not one.</returns>
    public static Outcome<ServerTrust> Create(IEnumerable<string> pins, string? authoritiesPem)
    {
        ArgumentNullException.ThrowIfNull(pins);
        var parsed = new List<string>();
        foreach (var text in pins)
        {
            if (!TlsPin.TryParse(text, out var pin))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed,
                    $"'{(text.Length > 60 ? text[..60] + "…" : text)}' is not a TLS pin: give the base64 SHA-256 of the server's public key (44 characters, as the server prints it at start, or 'sha256//…').");
            }

            parsed.Add(pin);
        }

        var authorities = new X509Certificate2Collection();
        if (authoritiesPem is not null)
        {
            try
            {
                authorities.ImportFromPem(authoritiesPem);
            }
            catch (CryptographicException e)
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"The CA file is not PEM certificates: {e.Message}");
            }

            if (authorities.Count == 0)
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, "The CA file holds no PEM CERTIFICATE block.");
            }
        }

        return parsed.Count == 0 && authorities.Count == 0 ? SystemStore : new ServerTrust(parsed, authorities);
    }

    /// <summary>The CA certificates as PEM text (to remember them), or <c>null</c> when there are none.</summary>
    public string? AuthoritiesPem() =>
        _authorities.Count == 0 ? null : string.Concat(_authorities.Select(c => c.ExportCertificatePem() + "\n"));

    /// <summary>An HTTP handler that checks servers' certificates by this trust.</summary>
    public HttpMessageHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler();
        if (!IsSystemStore)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Accepts(certificate, chain, errors);
        }

        return handler;
    }

    /// <summary>An HTTP client that checks servers' certificates by this trust.</summary>
    /// <param name="timeout">How long a request may take.</param>
    public HttpClient CreateHttpClient(TimeSpan timeout) => new(CreateHandler(), disposeHandler: true) { Timeout = timeout };

    /// <summary>The decision for one server certificate, as a TLS validation callback makes it.</summary>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="chain">The chain the platform built for it.</param>
    /// <param name="errors">What the platform's own check found.</param>
    public bool Accepts(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        if (IsSystemStore)
        {
            return errors == SslPolicyErrors.None;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var nameMatches = !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch);
        if (_pins.Contains(TlsPin.Of(leaf)))
        {
            return true;
        }

        if (!nameMatches)
        {
            return false;
        }

        // A pinned CA key counts only through a chain whose every signature verifies up to it: the platform's
        // chain matches issuers by name, so a leaf forged under another key with the CA's name would list the
        // real (public) CA certificate as its issuer, with an invalid signature.
        if (chain is not null)
        {
            var pinnedAuthorities = new X509Certificate2Collection();
            foreach (var element in chain.ChainElements.Skip(1).Where(e => _pins.Contains(TlsPin.Of(e.Certificate))))
            {
                pinnedAuthorities.Add(element.Certificate);
            }

            if (pinnedAuthorities.Count > 0 && ChainsTo(pinnedAuthorities, leaf, chain))
            {
                return true;
            }
        }

        return _authorities.Count > 0 && ChainsTo(_authorities, leaf, chain);
    }

    /// <summary>True when <paramref name="leaf"/> chains, every signature verified, to one of <paramref name="roots"/>.</summary>
    private static bool ChainsTo(X509Certificate2Collection roots, X509Certificate2 leaf, X509Chain? presented)
    {
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }
}
