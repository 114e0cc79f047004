using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ProductKeys.Client.Kms;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>
/// A real DNS server for discovery tests: Debian's dnsmasq on a loopback address and a free high port,
/// serving only the given SRV records, stopped by its PID. test.sh installs dnsmasq when missing.
/// </summary>
internal sealed class DnsmasqServer : IDisposable
{
    private static readonly string[] Binaries = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq"];
    private readonly Process _process;

    private DnsmasqServer(Process process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Starts dnsmasq with <c>--srv-host</c> values (<c>name,target,port,priority,weight</c>) and waits until it answers.</summary>
    public static async Task<DnsmasqServer> StartAsync(IEnumerable<string> srvHosts, string probeName, CancellationToken cancellationToken)
    {
        var binary = Binaries.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("dnsmasq is not installed: run 'apt-get install -y dnsmasq-base' (test.sh does this).");
        // Test assemblies run in parallel and each may start dnsmasq; it binds with SO_REUSEADDR, so two
        // instances on one address and port would silently share it. A loopback address of its own
        // (anywhere in 127.0.0.0/8) makes a collision need the same random address and port.
        var address = new IPAddress([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(0, 256), (byte)Random.Shared.Next(1, 255)]);
        var port = FreePort(address);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--no-daemon", "--no-resolv", "--no-hosts", $"--port={port}", $"--listen-address={address}", "--bind-interfaces", "--pid-file="])
        {
            start.ArgumentList.Add(argument);
        }

        if (Environment.UserName == "root")
        {
            // As root dnsmasq drops privileges to a user Debian's dnsmasq-base does not create; stay root.
            start.ArgumentList.Add("--user=root");
        }

        foreach (var srv in srvHosts)
        {
            start.ArgumentList.Add($"--srv-host={srv}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start.");
        var server = new DnsmasqServer(process, new IPEndPoint(address, port));

        // dnsmasq logs "started" once its sockets are bound; a query sent earlier would wait for a timeout.
        while (await process.StandardError.ReadLineAsync(cancellationToken) is { } line && !line.Contains("started", StringComparison.Ordinal))
        {
        }

        var resolver = new DnsSrvResolver(server.EndPoint);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (process.HasExited)
            {
                var error = await process.StandardError.ReadToEndAsync(cancellationToken);
                throw new InvalidOperationException($"dnsmasq exited with {process.ExitCode}: {error}");
            }

            if ((await resolver.ResolveAsync(probeName, cancellationToken)).Count > 0)
            {
                return server;
            }

            await Task.Delay(50, cancellationToken);
        }

        server.Dispose();
        throw new InvalidOperationException("dnsmasq never answered.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static int FreePort(IPAddress address)
    {
        using var udp = new UdpClient(new IPEndPoint(address, 0));
        return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
    }
}
