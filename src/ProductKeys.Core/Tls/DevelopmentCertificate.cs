namespace ProductKeys.Core.Tls;

/// <summary>
/// The development certificate of <c>pk server --self-signed</c> (<see cref="ServerCertificate.LoadOrCreateSelfSigned"/>)
/// and what was done to get it.
/// </summary>
public sealed class DevelopmentCertificate
{
    internal DevelopmentCertificate(ServerCertificate certificate, string? notice)
    {
        Certificate = certificate;
        Notice = notice;
    }

    /// <summary>The certificate to serve.</summary>
    public ServerCertificate Certificate { get; }

    /// <summary>For the operator when it was made or replaced: why, and the pin clients need now; <c>null</c> when the kept one is used.</summary>
    public string? Notice { get; }
}
