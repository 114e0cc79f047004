using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Tls;
using ProductKeys.KmsHost.Serving;
using ProductKeys.Service.Hosting;

namespace ProductKeys.Cli.Server;

/// <summary><c>pk server</c>: the licensing service (API, demo), until SIGTERM or Ctrl-C.</summary>
internal static class ServerCommands
{
    public static readonly Option<string> Data = new("--data")
    {
        Description = "Data folder: the SQLite file, secrets/, demo.json.",
        DefaultValueFactory = _ => Path.Combine(".pk", "server"),
    };

    public static readonly Option<string?> Db = new("--db")
    {
        Description = "PostgreSQL instead of SQLite: an Npgsql connection string, e.g. 'Host=db;Database=productkeys;Username=pk;Password=...'.",
    };

    public static void AddTo(RootCommand root)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var secrets = new Option<string?>("--secrets") { Description = "Folder with the publisher secrets (key-groups.key), supplied by the operator. Default: DATA/secrets, generated on first start." };
        var demo = new Option<bool>("--demo") { Description = "Seed a demo catalog, organization, users in every role and orders; write DATA/demo.json." };
        var migrate = new Option<bool>("--migrate") { Description = "Apply database migrations before starting (as 'pk db migrate')." };
        var selfSigned = new Option<bool>("--self-signed")
        {
            Description = "Development only: answer HTTPS with a self-signed certificate kept in DATA/tls (made on first use; default --urls https://127.0.0.1:8443) and print its pin for clients' --pin-sha256.",
        };
        var tls = new CertificateOptions();
        var command = new Command("server", "Run the licensing service (REST API, /healthz, /metrics, /openapi/v1.json).") { Data, Db, urls, secrets, demo, migrate, selfSigned };
        tls.AddTo(command);
        command.SetAction(async (parseResult, ct) =>
        {
            var urlsText = parseResult.GetValue(selfSigned) && parseResult.GetResult(urls) is null or { Implicit: true } ? DevelopmentHttps : parseResult.GetValue(urls);
            if ((ListenFailure.CheckUrls(urlsText, out var addresses) ?? DatabaseFailure.CheckConnectionString(parseResult.GetValue(Db))) is { } badOption)
            {
                return CommandOutput.Refuse(parseResult, badOption);
            }

            var certificate = Certificate(parseResult, tls, selfSigned, addresses);
            if (!certificate.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, certificate.Refusal);
            }

            var options = new ServerOptions
            {
                DataDirectory = parseResult.GetValue(Data)!,
                PostgresConnectionString = parseResult.GetValue(Db),
                Urls = string.Join(';', addresses),
                SecretsDirectory = parseResult.GetValue(secrets),
                Demo = parseResult.GetValue(demo),
                Migrate = parseResult.GetValue(migrate),
                Certificate = certificate.Value,
            };
            try
            {
                await LicensingServiceHost.RunAsync(options, Console.Out, ct);
                return 0;
            }
            catch (StartRefusedException ex)
            {
                await Console.Error.WriteLineAsync($"pk server: {ex.Code.Code}: {ex.Message}");
                return ex.Code.ExitCode;
            }
            catch (Exception ex) when ((ListenFailure.Explain(ex) ?? DatabaseFailure.Explain(ex)) is { } mistake)
            {
                return CommandOutput.Refuse(parseResult, mistake);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"pk server: {ex.Message}");
                return 1;
            }
        });
        root.Subcommands.Add(command);
    }

    /// <summary>Where --self-signed listens unless --urls says otherwise.</summary>
    private const string DevelopmentHttps = "https://127.0.0.1:8443";

    /// <summary>--cert/--key, or with --self-signed the development certificate in DATA/tls for the hosts of --urls.</summary>
    private static Outcome<ServerCertificate?> Certificate(ParseResult parseResult, CertificateOptions tls, Option<bool> selfSigned, string[] addresses)
    {
        if (!parseResult.GetValue(selfSigned))
        {
            return tls.Load(parseResult, TimeProvider.System);
        }

        if (parseResult.GetValue(tls.Certificate) is not null || parseResult.GetValue(tls.Key) is not null)
        {
            return new Refusal(ErrorCatalogue.TlsCertificateInvalid, "--self-signed makes its own certificate: give it or --cert/--key, not both.");
        }

        if (!addresses.Any(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            return new Refusal(ErrorCatalogue.TlsCertificateInvalid, "--self-signed needs an https:// address in --urls (or leave --urls out: https://127.0.0.1:8443).");
        }

        var hosts = addresses.Select(a => BindingHost(a)).Where(h => h is not null).Select(h => h!);
        var made = ServerCertificate.LoadOrCreateSelfSigned(Path.Combine(parseResult.GetValue(Data)!, "tls"), hosts, TimeProvider.System);
        return made.IsSuccess ? made.Value : made.Refusal;
    }

    private static string? BindingHost(string address) =>
        Uri.TryCreate(address.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            ? uri.Host
            : null;
}
