using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Kms;
using ProductKeys.KmsHost;

namespace ProductKeys.Cli.KmsHost;

/// <summary><c>pk kms-host serve --data DIR [--urls URL] [--sync normal|full]</c>: answers clients until SIGTERM or Ctrl-C.</summary>
internal static class KmsHostServeCommand
{
    public static Command Create()
    {
        var data = KmsHostCommands.Data();
        var urls = new Option<string>("--urls") { Description = $"Where to listen (default http://0.0.0.0:{KmsProtocol.DefaultPort}; ';' separates several).", DefaultValueFactory = _ => $"http://0.0.0.0:{KmsProtocol.DefaultPort}" };
        var renewal = new Option<TimeSpan?>("--renewal-interval") { Description = "How often activated clients renew (default 7.00:00:00; 00:15:00 to 30.00:00:00)." };
        var retry = new Option<TimeSpan?>("--retry-interval") { Description = "How soon clients not yet activated retry (default 02:00:00; 00:15:00 to 30.00:00:00)." };
        var sync = new Option<string>("--sync")
        {
            Description = "normal (default): every answer is written before it leaves and survives the host being killed; "
                + "full: also flushed to the disk (fsync), so it survives a power loss, at the cost of one disk flush per batch of answers.",
            DefaultValueFactory = _ => "normal",
        };
        sync.AcceptOnlyFromAmong("normal", "full");
        var command = new Command("serve", "Run the KMS host: count clients and activate them once the threshold is reached.") { data, urls, renewal, retry, sync };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = new KmsHostOptions
            {
                DataDirectory = parseResult.GetValue(data)!,
                Sync = parseResult.GetValue(sync) == "full" ? KmsSyncMode.Full : KmsSyncMode.Normal,
            };
            options.RenewalInterval = parseResult.GetValue(renewal) ?? options.RenewalInterval;
            options.RetryInterval = parseResult.GetValue(retry) ?? options.RetryInterval;
            var built = KmsHostApp.Build(options, parseResult.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                TimeProvider.System, logging => logging.SetMinimumLevel(LogLevel.Warning)
                    // A port already in use is reported below in one line, not as a stack trace.
                    .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None));
            if (!built.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, built.Refusal);
            }

            await using var app = built.Value;
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"The KMS host cannot listen: {e.Message}");
                return 1;
            }

            var addresses = KmsHostApp.Addresses(app);
            Console.Out.WriteLine($"KMS host {KmsHostApp.HostId(app)} listening on {string.Join(", ", addresses)} (data {Path.GetFullPath(options.DataDirectory)}). Press Ctrl-C to stop.");
            Console.Out.Flush();
            // Returns on SIGTERM or Ctrl-C, whichever of the host's console lifetime and the command line sees it first.
            await app.WaitForShutdownAsync(cancellationToken);
            Console.Out.WriteLine("KMS host stopped.");
            return 0;
        });
        return command;
    }
}
