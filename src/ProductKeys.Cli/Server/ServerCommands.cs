using System.CommandLine;
using System.Globalization;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;
using ProductKeys.Hosting;
using ProductKeys.Core.Tls;
using ProductKeys.KmsHost.Serving;
using ProductKeys.Service.Hosting;
using ProductKeys.Telemetry;

namespace ProductKeys.Cli.Server;

/// <summary><c>pk server</c>: the licensing service (API, demo), until SIGTERM or Ctrl-C.</summary>
internal static class ServerCommands
{
    public static readonly Option<string> Data = new Option<string>("--data")
    {
        Description = "Data folder: the SQLite file, secrets/, demo.json.",
        DefaultValueFactory = _ => Path.Combine(".pk", "server"),
    }.NotEmpty();

    /// <summary>
    /// Empty (<c>--db "$PK_DB"</c> with the variable unset) is USAGE_INVALID, not SQLite in --data: a node meant for the shared database
    /// would serve a database of its own. Without --db, <c>$PK_DB</c>: a password on the command line is shown to every user in ps,
    /// a process's environment only to its user and root. Set and empty is refused alike.
    /// </summary>
    public static readonly Option<string?> Db = new Option<string?>("--db")
    {
        Description = "PostgreSQL instead of SQLite: an Npgsql connection string, e.g. 'Host=db;Database=productkeys;Username=pk;Password=...'. "
            + "Default: $PK_DB, which keeps a password out of ps.",
        DefaultValueFactory = FromEnvironment,
    }.NotEmpty();

    /// <summary>The name of the environment variable <see cref="Db"/> falls back to.</summary>
    public const string DbVariable = "PK_DB";

    /// <summary>Where the connection string in <see cref="Db"/> came from, as messages name it: "--db", or "$PK_DB" when --db was left out.</summary>
    public static string DbSource(ParseResult parseResult) => parseResult.GetResult(Db) is null or { Implicit: true } ? $"${DbVariable}" : "--db";

    internal static string? FromEnvironment(System.CommandLine.Parsing.ArgumentResult result)
    {
        var value = Environment.GetEnvironmentVariable(DbVariable);
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            result.AddError($"${DbVariable} is set but empty: set it to the connection string, or unset it to use SQLite in --data.");
        }

        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>How console logs are written (Logging:Console:FormatterName; docs/adr/0023-observability-with-opentelemetry.md).</summary>
    public static readonly Option<string?> LogFormat = CreateLogFormat();

    public static void AddTo(RootCommand root)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var secrets = new Option<string?>("--secrets") { Description = "Folder with the publisher secrets (key-groups.key), supplied by the operator. Default: DATA/secrets, generated on first start." }.NotEmpty();
        var demo = new Option<bool>("--demo") { Description = "Seed a demo catalog, organization, users in every role and orders; write DATA/demo.json." };
        var migrate = new Option<bool>("--migrate") { Description = "Apply database migrations before starting (as 'pk db migrate')." };
        var maxConnections = new Option<long?>(ConnectionLimits.Option) { Description = ConnectionLimits.OptionDescription };
        var selfSigned = new Option<bool>("--self-signed")
        {
            Description = "Development only: answer HTTPS with a self-signed certificate kept in DATA/tls (made on first use; default --urls https://127.0.0.1:8443) and print its pin for clients' --pin-sha256.",
        };
        var tls = new CertificateOptions();
        var command = new Command("server", "Run the licensing service (REST API, /healthz, /metrics, /openapi/v1.json).") { Data, Db, urls, secrets, demo, migrate, selfSigned, maxConnections, LogFormat };
        tls.AddTo(command);
        command.SetAction(async (parseResult, ct) =>
        {
            var urlsText = parseResult.GetValue(selfSigned) && parseResult.GetResult(urls) is null or { Implicit: true } ? DevelopmentHttps : parseResult.GetValue(urls);
            if ((ListenFailure.CheckUrls(urlsText, out var addresses) ?? DatabaseFailure.CheckConnectionString(parseResult.GetValue(Db), DbSource(parseResult))) is { } badOption)
            {
                return CommandOutput.Refuse(parseResult, badOption);
            }

            var max = parseResult.GetValue(maxConnections);
            if (max < 1)
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, $"{ConnectionLimits.Option} must be at least 1."));
            }

            var certificate = Certificate(parseResult, tls, selfSigned, addresses, out var certificateNotice);
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
                Configuration = WithConnectionLimit(LogFormatSetting(parseResult), max),
                Certificate = certificate.Value,
                CertificateNotice = certificateNotice,
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
            catch (Exception ex) when ((ListenFailure.Explain(ex) ?? DatabaseFailure.Explain(ex) ?? SettingsFailure.Explain(ex)) is { } mistake)
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

    private static Option<string?> CreateLogFormat()
    {
        var option = new Option<string?>("--log-format") { Description = "Console logs: simple (default), json (one JSON object a line, for log shippers) or systemd." };
        option.AcceptOnlyFromAmong([.. ConsoleLogFormat.Names]);
        return option;
    }

    /// <summary>The settings with --max-connections added when it was given (else Connections:Max or the file limit decides).</summary>
    private static Dictionary<string, string?> WithConnectionLimit(Dictionary<string, string?> settings, long? max)
    {
        if (max is { } n)
        {
            settings[ConnectionLimits.Setting] = n.ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>The --log-format given, as the configuration key it stands for (nothing when not given, so PK_Logging__Console__FormatterName still counts).</summary>
    public static Dictionary<string, string?> LogFormatSetting(ParseResult parseResult) =>
        parseResult.GetValue(LogFormat) is { } format ? new() { [ConsoleLogFormat.Key] = format } : [];

    /// <summary>Where --self-signed listens unless --urls says otherwise.</summary>
    private const string DevelopmentHttps = "https://127.0.0.1:8443";

    /// <summary>
    /// --cert/--key, or with --self-signed the development certificate in DATA/tls for the hosts of --urls; <paramref name="notice"/>
    /// says when that one was made or replaced, and the new pin.
    /// </summary>
    private static Outcome<ServerCertificate?> Certificate(ParseResult parseResult, CertificateOptions tls, Option<bool> selfSigned, string[] addresses, out string? notice)
    {
        notice = null;
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
        if (!made.IsSuccess)
        {
            return made.Refusal;
        }

        notice = made.Value.Notice;
        return made.Value.Certificate;
    }

    private static string? BindingHost(string address) =>
        Uri.TryCreate(address.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            ? uri.Host
            : null;
}
