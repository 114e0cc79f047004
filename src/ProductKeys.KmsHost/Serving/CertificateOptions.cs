using System.CommandLine;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Tls;

namespace ProductKeys.KmsHost.Serving;

/// <summary>
/// <c>--cert FILE --key FILE</c>: the PEM certificate (leaf first, then intermediates) and private key
/// a server answers <c>https://</c> addresses with. Shared by <c>pk kms-host serve</c>, <c>pk-kms-host</c>
/// and <c>pk server</c>.
/// </summary>
public sealed class CertificateOptions
{
    /// <summary>The certificate file option.</summary>
    public Option<FileInfo?> Certificate { get; } = new("--cert") { Description = "PEM certificate for https:// addresses (leaf first, then intermediates); needs --key." };

    /// <summary>The private key file option.</summary>
    public Option<FileInfo?> Key { get; } = new("--key") { Description = "PEM private key of --cert." };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Certificate);
        command.Options.Add(Key);
    }

    /// <summary>The certificate the command line names, <c>null</c> when none, or <c>TLS_CERTIFICATE_INVALID</c>.</summary>
    public Outcome<ServerCertificate?> Load(ParseResult parseResult, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var (certificate, key) = (parseResult.GetValue(Certificate), parseResult.GetValue(Key));
        if (certificate is null && key is null)
        {
            return (ServerCertificate?)null;
        }

        if (certificate is null || key is null)
        {
            return new Refusal(ErrorCatalogue.TlsCertificateInvalid, "--cert and --key go together: give both PEM files.");
        }

        var loaded = ServerCertificate.Load(certificate.FullName, key.FullName, time);
        return loaded.IsSuccess ? loaded.Value : loaded.Refusal;
    }
}
