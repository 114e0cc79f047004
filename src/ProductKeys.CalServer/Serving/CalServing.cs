using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Errors;
using ProductKeys.Hosting;
using ProductKeys.Core.Tls;
using ProductKeys.CalServer.Data;

namespace ProductKeys.CalServer.Serving;

/// <summary><c>pk cal-server serve --data DIR [--urls URL] [--max-connections N]</c>: runs the CAL server until SIGTERM or Ctrl-C.</summary>
public static class CalServing
{
    /// <summary>What the command does, for its help.</summary>
    public const string Description = "Run the CAL server: per-user and per-device CALs from the installed packs.";

    /// <summary>Adds the serve options to <paramref name="command"/> and makes serving its action.</summary>
    /// <param name="command">The command to configure.</param>
    /// <param name="data">The data folder option (shared with the other cal-server commands).</param>
    /// <param name="refuse">Reports a refusal and returns the exit code.</param>
    /// <param name="listen">The operator-mistake rules every server of pk shares (a bad --urls, a port in use).</param>
    public static Command Configure(Command command, Option<string> data, Func<ParseResult, Refusal, int> refuse, ListenRules listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(refuse);
        var urls = new Option<string>("--urls")
        {
            Description = $"Where to listen (default http://0.0.0.0:{CalPolicy.DefaultPort}; ';' separates several).",
            DefaultValueFactory = _ => $"http://0.0.0.0:{CalPolicy.DefaultPort}",
        };
        var maxConnections = new Option<long?>(ConnectionLimits.Option) { Description = ConnectionLimits.OptionDescription };
        var certificateFile = new Option<FileInfo?>("--cert") { Description = "PEM certificate for https:// addresses (leaf first, then intermediates); needs --key." };
        var keyFile = new Option<FileInfo?>("--key") { Description = "PEM private key of --cert." };
        var sync = new Option<string>("--sync")
        {
            Description = "How commits reach the disk before their answers leave. auto (default): written to the operating system "
                + "(survives the server being killed), and flushed to the disk (fsync) when they grant or renew a permanent device CAL. "
                + "normal: never flushed. full: every commit flushed, so it all survives a power loss.",
            DefaultValueFactory = _ => "auto",
        };
        sync.AcceptOnlyFromAmong("auto", "normal", "full");
        command.Options.Add(data);
        command.Options.Add(urls);
        command.Options.Add(certificateFile);
        command.Options.Add(keyFile);
        command.Options.Add(maxConnections);
        command.Options.Add(sync);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var text = parseResult.GetValue(urls);
            if (listen.CheckUrls(text) is { } badUrls)
            {
                return refuse(parseResult, badUrls);
            }

            var addresses = text!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var certificate = LoadCertificate(parseResult.GetValue(certificateFile), parseResult.GetValue(keyFile));
            if (!certificate.IsSuccess)
            {
                return refuse(parseResult, certificate.Refusal);
            }

            var syncMode = parseResult.GetValue(sync) switch { "normal" => CalSyncMode.Normal, "full" => CalSyncMode.Full, _ => CalSyncMode.Auto };
            return await ServeAsync(parseResult.GetValue(data)!, addresses, parseResult.GetValue(maxConnections), certificate.Value, syncMode, listen, refusal => refuse(parseResult, refusal), cancellationToken);
        });
        return command;
    }

    /// <summary>--cert/--key, as the licensing service and the KMS host read them: both or neither.</summary>
    private static Outcome<ServerCertificate?> LoadCertificate(FileInfo? certificate, FileInfo? key)
    {
        if (certificate is null && key is null)
        {
            return (ServerCertificate?)null;
        }

        if (certificate is null || key is null)
        {
            return new Refusal(ErrorCatalogue.TlsCertificateInvalid, "--cert and --key go together: give both PEM files.");
        }

        var loaded = ServerCertificate.Load(certificate.FullName, key.FullName, TimeProvider.System);
        return loaded.IsSuccess ? loaded.Value : loaded.Refusal;
    }

    private static async Task<int> ServeAsync(
        string dataDirectory, string[] urls, long? maxConnections, ServerCertificate? certificate, CalSyncMode sync, ListenRules listen, Func<Refusal, int> refuse, CancellationToken cancellationToken)
    {
        var built = CalServerApp.Build(dataDirectory, urls, TimeProvider.System, logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None), maxConnections, certificate, sync);
        if (!built.IsSuccess)
        {
            return refuse(built.Refusal);
        }

        await using var app = built.Value;
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (listen.Explain(e) is { } mistake)
        {
            return refuse(mistake);
        }

        Console.Out.WriteLine($"CAL server {CalServerApp.ServerId(app)} listening on {string.Join(", ", CalServerApp.Addresses(app))} (data {Path.GetFullPath(dataDirectory)}, sync {CalServerApp.Sync(app).ToString().ToLowerInvariant()}). Press Ctrl-C to stop.");
        if (ServerHttps.Chosen(app.Services) is { } chosen)
        {
            Console.Out.WriteLine($"CAL server {chosen.Describe()}.");
        }

        // Not a reason to refuse the start: the other packs still count (ADR 0024: withdrawing a key invalidates what it signed).
        foreach (var withdrawn in await CalServerApp.WithdrawnPacksAsync(app, cancellationToken))
        {
            Console.Out.WriteLine($"CAL server: {withdrawn.Describe()}");
        }

        // A mistyped --data makes a new, empty server that refuses every request: say so at once (found by a new user's walkthrough).
        if ((await CalServerApp.PacksAsync(app, cancellationToken)).Count == 0)
        {
            Console.Out.WriteLine($"CAL server: no CAL pack counts in {Path.GetFullPath(dataDirectory)}: every request answers CAL_PACK_NOT_INSTALLED "
                + "until one is installed ('pk cal-server install-pack --data DIR --key MAK'). If this is not the folder you meant, check --data.");
        }

        Console.Out.Flush();
        await app.WaitForShutdownAsync(cancellationToken);
        Console.Out.WriteLine("CAL server stopped.");
        return 0;
    }
}
