using System.CommandLine;
using System.Globalization;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;
using ProductKeys.Hosting;
using ProductKeys.KmsHost.Serving;
using ProductKeys.Service.Hosting;
using ProductKeys.Telemetry;

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

    /// <summary>How console logs are written (Logging:Console:FormatterName; docs/adr/0023-observability-with-opentelemetry.md).</summary>
    public static readonly Option<string?> LogFormat = CreateLogFormat();

    public static void AddTo(RootCommand root)
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var secrets = new Option<string?>("--secrets") { Description = "Folder with the publisher secrets (key-groups.key), supplied by the operator. Default: DATA/secrets, generated on first start." };
        var demo = new Option<bool>("--demo") { Description = "Seed a demo catalog, organization, users in every role and orders; write DATA/demo.json." };
        var migrate = new Option<bool>("--migrate") { Description = "Apply database migrations before starting (as 'pk db migrate')." };
        var maxConnections = new Option<long?>(ConnectionLimits.Option) { Description = ConnectionLimits.OptionDescription };
        var command = new Command("server", "Run the licensing service (REST API, /healthz, /metrics, /openapi/v1.json).") { Data, Db, urls, secrets, demo, migrate, maxConnections, LogFormat };
        command.SetAction(async (parseResult, ct) =>
        {
            if ((ListenFailure.CheckUrls(parseResult.GetValue(urls), out var addresses) ?? DatabaseFailure.CheckConnectionString(parseResult.GetValue(Db))) is { } badOption)
            {
                return CommandOutput.Refuse(parseResult, badOption);
            }

            var max = parseResult.GetValue(maxConnections);
            if (max < 1)
            {
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed, $"{ConnectionLimits.Option} must be at least 1."));
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

    private static Option<string?> CreateLogFormat()
    {
        var option = new Option<string?>("--log-format") { Description = "Console logs: simple (default), json (one JSON object a line, for log shippers) or systemd." };
        option.AcceptOnlyFromAmong([.. ConsoleLogFormat.Names]);
        return option;
    }

    /// <summary>The --log-format given, as the configuration key it stands for (nothing when not given, so PK_Logging__Console__FormatterName still counts).</summary>
    private static Dictionary<string, string?> WithConnectionLimit(Dictionary<string, string?> settings, long? max)
    {
        if (max is { } n)
        {
            settings[ConnectionLimits.Setting] = n.ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }

    public static Dictionary<string, string?> LogFormatSetting(ParseResult parseResult) =>
        parseResult.GetValue(LogFormat) is { } format ? new() { [ConsoleLogFormat.Key] = format } : [];
}
