using System.CommandLine;
using System.Net;
using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Device;

/// <summary><c>pk ato</c>'s KMS discovery options: the SRV domain and, for tests and split DNS, the name server.</summary>
internal sealed class KmsClientOptions
{
    public Option<string?> Domain { get; } = new("--kms-domain") { Description = "Find KMS hosts through the _pk-kms._tcp SRV records of this domain (remembered; default: the system's search domain)." };

    public Option<string?> DnsServer { get; } = new("--dns-server") { Description = "Ask this name server (IP[:PORT]) for the SRV records instead of the system's." };

    public void AddTo(Command command)
    {
        command.Options.Add(Domain);
        command.Options.Add(DnsServer);
    }

    /// <summary>How the device finds its KMS host; remembers --kms-domain in the store.</summary>
    public Outcome<KmsClientSettings> Settings(ParseResult parseResult, DeviceLicense license, HttpClient http)
    {
        IPEndPoint? nameServer = null;
        if (parseResult.GetValue(DnsServer) is { } text)
        {
            if (!IPEndPoint.TryParse(text, out nameServer))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"--dns-server must be IP or IP:PORT, not '{text}'.");
            }

            nameServer.Port = nameServer.Port == 0 ? 53 : nameServer.Port;
        }

        if (parseResult.GetValue(Domain) is { } domain)
        {
            if (!KmsDomainName.IsValid(domain.Trim()))
            {
                return new Refusal(ErrorCatalogue.ValidationFailed, $"--kms-domain must be {KmsDomainName.Rule}, not '{domain}'.");
            }

            var configured = license.Configure(l => l with { KmsDomain = domain.Trim().TrimEnd('.') });
            if (!configured.IsSuccess)
            {
                return configured.Refusal;
            }
        }

        return new KmsClientSettings(new HttpKmsTransport(http), new DnsSrvResolver(nameServer));
    }
}
