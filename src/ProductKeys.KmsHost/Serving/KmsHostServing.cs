using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Kms;
using ProductKeys.Hosting;
using ProductKeys.Telemetry;
using ProductKeys.Core.Tls;

namespace ProductKeys.KmsHost.Serving;

/// <summary>
/// The arguments and the run of a serving KMS host, shared by <c>pk kms-host serve</c> (JIT, inside
/// the CLI) and the Native AOT <c>pk-kms-host</c>, so both take the same options and behave the same:
/// <c>--data DIR [--urls URL] [--renewal-interval T] [--retry-interval T] [--sync normal|full] [--max-connections N] [--cert FILE --key FILE] [--log-format simple|json|systemd]</c>.
/// </summary>
public static class KmsHostServing
{
    /// <summary>What the command does, for its help.</summary>
    public const string Description = "Run the KMS host: count clients and activate them once the threshold is reached.";

    /// <summary>Adds the serve options to <paramref name="command"/> and makes serving its action; answers until SIGTERM or Ctrl-C.</summary>
    /// <param name="command">The command to configure (a subcommand of <c>pk</c>, or a program's root command).</param>
    /// <param name="refuse">Reports a refusal (bad settings, unusable data folder) and returns the exit code.</param>
    public static TCommand Configure<TCommand>(TCommand command, Func<ParseResult, Refusal, int> refuse)
        where TCommand : Command
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(refuse);
        var data = new Option<string>("--data") { Description = "The KMS host's data folder (key, ID, certificate, count database).", Required = true };
        var urls = new Option<string>("--urls") { Description = $"Where to listen (default http://0.0.0.0:{KmsProtocol.DefaultPort}; ';' separates several).", DefaultValueFactory = _ => $"http://0.0.0.0:{KmsProtocol.DefaultPort}" };
        var renewal = new Option<TimeSpan?>("--renewal-interval") { Description = "How often activated clients renew (default 7.00:00:00; 00:15:00 to 30.00:00:00)." };
        var retry = new Option<TimeSpan?>("--retry-interval") { Description = "How soon clients retry after a failed renewal (default 02:00:00; 00:15:00 to 30.00:00:00); clients not yet activated take it only when shorter than their own 2 hours." };
        var sync = new Option<string>("--sync")
        {
            Description = "normal (default): every answer is written before it leaves and survives the host being killed; "
                + "full: also flushed to the disk (fsync), so it survives a power loss, at the cost of one disk flush per batch of answers.",
            DefaultValueFactory = _ => "normal",
        };
        sync.AcceptOnlyFromAmong("normal", "full");
        var maxConnections = new Option<long?>(ConnectionLimits.Option) { Description = ConnectionLimits.OptionDescription };
        var logFormat = new Option<string?>("--log-format") { Description = "Console logs: simple (default), json (one JSON object a line, for log shippers) or systemd." };
        logFormat.AcceptOnlyFromAmong([.. ConsoleLogFormat.Names]);
        foreach (var option in (Option[])[data, urls, renewal, retry, sync, maxConnections, logFormat])
        {
            command.Options.Add(option);
        }

        var tls = new CertificateOptions();
        tls.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = new KmsHostOptions
            {
                DataDirectory = parseResult.GetValue(data)!,
                Sync = parseResult.GetValue(sync) == "full" ? KmsSyncMode.Full : KmsSyncMode.Normal,
                MaxConnections = parseResult.GetValue(maxConnections),
                LogFormat = parseResult.GetValue(logFormat),
            };
            options.RenewalInterval = parseResult.GetValue(renewal) ?? options.RenewalInterval;
            options.RetryInterval = parseResult.GetValue(retry) ?? options.RetryInterval;
            if (ListenFailure.CheckUrls(parseResult.GetValue(urls), out var listen) is { } badUrls)
            {
                return refuse(parseResult, badUrls);
            }

            var certificate = tls.Load(parseResult, TimeProvider.System);
            if (!certificate.IsSuccess)
            {
                return refuse(parseResult, certificate.Refusal);
            }

            return await ServeAsync(options, listen, certificate.Value, refusal => refuse(parseResult, refusal), cancellationToken);
        });
        return command;
    }

    private static async Task<int> ServeAsync(
        KmsHostOptions options, string[] urls, ServerCertificate? certificate, Func<Refusal, int> refuse, CancellationToken cancellationToken)
    {
        var built = KmsHostApp.Build(options, urls, TimeProvider.System, logging => logging.SetMinimumLevel(LogLevel.Warning)
            // A port already in use is reported below in one line, not as a stack trace.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)
            // Its only messages are per request (Information); while any level of it is enabled, ASP.NET Core
            // starts an Activity for every request (measured: 4–8 µs less CPU per request without it).
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None), certificate);
        if (!built.IsSuccess)
        {
            return refuse(built.Refusal);
        }

        await using var app = built.Value;
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (ListenFailure.Explain(e) is { } refusal)
        {
            return refuse(refusal);
        }
        catch (Exception e) when (SettingsFailure.Explain(e) is { } refusal)
        {
            return refuse(refusal);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"The KMS host cannot listen: {e.Message}");
            return 1;
        }

        var addresses = KmsHostApp.Addresses(app);
        var say = new ServerAnnouncements(app.Configuration, app.Services.GetRequiredService<ILoggerFactory>(), Console.Out);
        say.Say($"KMS host {KmsHostApp.HostId(app)} listening on {string.Join(", ", addresses)} (data {Path.GetFullPath(options.DataDirectory)}, sync {options.Sync.ToString().ToLowerInvariant()}). Press Ctrl-C to stop.");
        if (ServerHttps.Chosen(app.Services) is { } chosen)
        {
            say.Say($"KMS host {chosen.Describe()}.");
        }

        say.Flush();
        // Returns on SIGTERM or Ctrl-C, whichever of the host's console lifetime and the command line sees it first.
        await app.WaitForShutdownAsync(cancellationToken);
        say.Say("KMS host stopped.");
        return 0;
    }
}
