using System.CommandLine;
using System.Runtime.InteropServices;
using ProductKeys.Cli.Output;
using ProductKeys.Client.Renewal;

namespace ProductKeys.Cli.Device;

/// <summary>
/// <c>pk agent --store S [--store S2 …]</c>: runs the renewal schedule of every store (the same as a
/// product's <see cref="LicenseRenewal"/>) until SIGTERM or Ctrl-C, one line per attempt. For devices
/// whose product does not renew by itself, e.g. under systemd (docs/operations.md).
/// </summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var stores = new Option<string[]>("--store") { Description = "License store folder; repeat for several.", Required = true };
        var noSpread = new Option<bool>("--no-spread")
        {
            Description = "Make a due attempt at once instead of after this device's share of the fleet's spreading window (up to 30 minutes). For one device, not for a fleet that starts together.",
        };
        var kms = new KmsClientOptions();
        var tls = new TlsClientOptions();
        var command = new Command("agent", "Keep the given stores renewed until stopped (SIGTERM, Ctrl-C); one line per attempt.") { stores, noSpread };
        kms.AddTo(command);
        tls.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            var clients = new List<HttpClient>();
            using var disposeClients = new Disposer(clients);
            var output = new Lock();
            var loops = new List<Task>();
            foreach (var folder in parseResult.GetValue(stores)!)
            {
                var directory = Path.GetFullPath(folder);
                var opened = RenewCommand.Open(parseResult, folder, kms, tls, attempt =>
                {
                    // One line per attempt, whole: the stores' loops run side by side.
                    lock (output)
                    {
                        RenewCommand.Report(parseResult, RenewalReport.From(directory, attempt), attempt.Refusal);
                        Console.Out.Flush();
                    }
                },
                spread: !parseResult.GetValue(noSpread),
                spreading: at =>
                {
                    // On stderr: stdout stays one line (or one JSON object) per attempt.
                    lock (output)
                    {
                        Console.Error.WriteLine($"pk agent: {directory}: an attempt is due; this device's turn in the fleet's spread is {at:u} (--no-spread: at once).");
                    }
                });
                if (!opened.IsSuccess)
                {
                    return CommandOutput.Refuse(parseResult, opened.Refusal);
                }

                clients.Add(opened.Value.Http);
                loops.Add(opened.Value.Renewal.RunAsync(stop.Token));
            }

            Console.Error.WriteLine($"pk agent: keeping {loops.Count} store(s) renewed; SIGTERM or Ctrl-C stops.");
            await Task.WhenAll(loops);
            Console.Error.WriteLine("pk agent: stopped.");
            return 0;

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }

    /// <summary>Disposes each store's HTTP client when the agent stops.</summary>
    private sealed class Disposer(List<HttpClient> clients) : IDisposable
    {
        public void Dispose() => clients.ForEach(c => c.Dispose());
    }
}
