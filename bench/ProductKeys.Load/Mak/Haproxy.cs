using System.Diagnostics;
using System.Globalization;

namespace ProductKeys.Load.Mak;

/// <summary>
/// HAProxy in its own process in front of <c>pk server</c> nodes, configured as docs/deploy/haproxy.cfg
/// (round robin, readiness checks, the same retry rules) without TLS and without an access log.
/// </summary>
internal sealed class Haproxy : IAsyncDisposable
{
    private readonly Process _process;

    private Haproxy(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>$PK_HAPROXY, else Debian's /usr/sbin/haproxy (scripts/ensure-haproxy.sh installs it).</summary>
    public static string Locate() =>
        Environment.GetEnvironmentVariable("PK_HAPROXY") is { Length: > 0 } configured ? configured
        : File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy"
        : throw new InvalidOperationException("HAProxy is not installed: run scripts/ensure-haproxy.sh, or set PK_HAPROXY.");

    public static async Task<Haproxy> StartAsync(string folder, IReadOnlyList<Uri> nodes)
    {
        var port = FreePort();
        var statsPort = FreePort();
        var config = Path.Combine(folder, "haproxy.cfg");
        var servers = string.Join('\n', nodes.Select((n, i) => $"    server node{i + 1} {n.Host}:{n.Port}"));
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            global
                maxconn 2000

            defaults
                mode http
                timeout connect 1s
                timeout client 60s
                timeout server 60s
                timeout check 2s
                retries 3
                option redispatch 1
                retry-on conn-failure empty-response 503

            frontend licensing
                bind 127.0.0.1:{{port}}
                acl replay_safe method GET HEAD
                acl replay_safe path /api/v1/activations
                http-request disable-l7-retry unless replay_safe
                default_backend nodes

            backend nodes
                balance roundrobin
                option httpchk
                http-check send meth GET uri /healthz/ready ver HTTP/1.1 hdr Host licensing
                http-check expect status 200
                default-server check inter 1s fall 2 rise 1
            {{servers}}

            listen stats
                bind 127.0.0.1:{{statsPort}}
                stats enable
                stats uri /stats

            """));
        var start = new ProcessStartInfo(Locate()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-db", "-f", config })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
        var balancer = new Haproxy(process, new Uri($"http://127.0.0.1:{port}"));
        await balancer.WaitUntilEveryNodeIsUpAsync(new Uri($"http://127.0.0.1:{statsPort}/stats;csv"), nodes.Count);
        return balancer;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>Polls the statistics page (CSV; one row per server, its "status" column) until every node is UP.</summary>
    private async Task WaitUntilEveryNodeIsUpAsync(Uri stats, int count)
    {
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited with {_process.ExitCode}.");
            }

            try
            {
                var lines = (await http.GetStringAsync(stats)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var columns = lines[0].TrimStart('#', ' ').Split(',');
                var status = Array.IndexOf(columns, "status");
                if (lines.Skip(1).Select(l => l.Split(',')).Count(r => r[0] == "nodes" && r[1].StartsWith("node", StringComparison.Ordinal) && r[status] == "UP") == count)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("HAProxy did not report every node UP within a minute.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
