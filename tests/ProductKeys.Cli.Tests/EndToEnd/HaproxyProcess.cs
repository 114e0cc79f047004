using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Debian's HAProxy in front of <c>pk server</c> nodes on loopback, configured as docs/deploy/haproxy.cfg
/// is (round robin, readiness checks, replays only of what is safe to replay: ADR 0029) with short
/// timers for a test. Runs in the foreground (<c>-db</c>) and logs one line per request to stdout;
/// killed by its PID on dispose.
/// </summary>
internal sealed class HaproxyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private HaproxyProcess(Process process, string url, string statsUrl)
    {
        _process = process;
        Url = url;
        StatsUrl = statsUrl;
    }

    /// <summary>Where clients send requests.</summary>
    public string Url { get; }

    private string StatsUrl { get; }

    /// <summary>The access log: <c>METHOD PATH STATUS RETRIES SERVER</c>, RETRIES prefixed with '+' when redispatched.</summary>
    public IReadOnlyCollection<string> Log => _lines;

    /// <summary>$PK_HAPROXY (test.sh sets it from scripts/ensure-haproxy.sh), else Debian's /usr/sbin/haproxy, else null.</summary>
    public static string? Locate() =>
        Environment.GetEnvironmentVariable("PK_HAPROXY") is { Length: > 0 } configured ? configured
        : File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy"
        : null;

    /// <summary>Writes the configuration into <paramref name="folder"/>, checks it, starts HAProxy and waits until every node is UP.</summary>
    public static async Task<HaproxyProcess> StartAsync(string haproxy, string folder, IReadOnlyList<int> nodePorts)
    {
        var port = PkServerProcess.FreePort();
        var statsPort = PkServerProcess.FreePort();
        var config = Path.Combine(folder, "haproxy.cfg");
        await File.WriteAllTextAsync(config, Configuration(port, statsPort, nodePorts));
        var check = await Pk.RunAsync(Start(haproxy, "-c", "-q", "-f", config), $"{haproxy} -c -f {config}");
        if (check.ExitCode != 0)
        {
            throw new InvalidOperationException($"haproxy refused the configuration {config}:\n{check}");
        }

        var process = Process.Start(Start(haproxy, "-db", "-f", config))!;
        process.StandardInput.Close();
        var balancer = new HaproxyProcess(process, $"http://127.0.0.1:{port}", $"http://127.0.0.1:{statsPort}/stats;csv");
        process.OutputDataReceived += (_, e) => balancer.Add(e.Data);
        process.ErrorDataReceived += (_, e) => balancer.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var node = 1; node <= nodePorts.Count; node++)
        {
            await balancer.WaitUntilUpAsync($"node{node}");
        }

        return balancer;
    }

    /// <summary>Waits until HAProxy's health checks have brought <paramref name="server"/> UP (it then gets requests again).</summary>
    public async Task WaitUntilUpAsync(string server)
    {
        using var http = new HttpClient();
        var deadline = Stopwatch.StartNew();
        var status = "";
        while (status != "UP")
        {
            if (_process.HasExited || deadline.Elapsed > Patience.Process)
            {
                throw new InvalidOperationException(
                    $"HAProxy did not report {server} UP (last: '{status}', {(_process.HasExited ? $"exited with {_process.ExitCode}" : "timed out")}):\n{string.Join('\n', _lines.TakeLast(20))}");
            }

            await Task.Delay(100);
            status = await StatusAsync(http, server);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The server's status in HAProxy's statistics (CSV: a header line naming the columns, then one line per proxy and server).</summary>
    private async Task<string> StatusAsync(HttpClient http, string server)
    {
        try
        {
            var lines = (await http.GetStringAsync(StatsUrl)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var columns = lines[0].TrimStart('#', ' ').Split(',');
            var (name, status) = (Array.IndexOf(columns, "svname"), Array.IndexOf(columns, "status"));
            var row = lines.Skip(1).Select(l => l.Split(',')).FirstOrDefault(r => r[0] == "nodes" && r[name] == server);
            return row?[status] ?? "";
        }
        catch (HttpRequestException)
        {
            return ""; // not listening yet
        }
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    private static ProcessStartInfo Start(string haproxy, params string[] args)
    {
        var start = new ProcessStartInfo(haproxy) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>docs/deploy/haproxy.cfg without TLS, on loopback, checking every 300 ms so a test waits less for a node to come and go.</summary>
    private static string Configuration(int port, int statsPort, IReadOnlyList<int> nodePorts)
    {
        var servers = string.Join('\n', nodePorts.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"    server node{i + 1} 127.0.0.1:{p}")));
        return string.Create(CultureInfo.InvariantCulture, $$"""
            global
                maxconn 2000
                log stdout format raw local0 info

            defaults
                mode http
                log global
                log-format "%HM %HP %ST %rc %s"
                timeout connect 1s
                timeout client 60s
                timeout server 60s
                timeout check 2s
                retries 6
                option redispatch 1
                retry-on conn-failure empty-response 503
                http-error status 503 content-type application/problem+json string "{\"status\":503,\"title\":\"No node of the licensing service is ready: retry in a second.\",\"code\":\"SERVICE_UNAVAILABLE\"}" hdr Retry-After 1

            frontend licensing
                bind 127.0.0.1:{{port}}
                http-request return status 404 content-type application/problem+json string "{\"status\":404,\"title\":\"Not found.\",\"code\":\"NOT_FOUND\"}" if { path,lower -m beg /metrics }
                acl replay_safe method GET HEAD
                acl replay_safe path /api/v1/activations
                http-request disable-l7-retry unless replay_safe
                default_backend nodes

            backend nodes
                balance roundrobin
                option httpchk
                http-check send meth GET uri /healthz/ready ver HTTP/1.1 hdr Host licensing
                http-check expect status 200
                default-server check inter 300ms fall 2 rise 1
            {{servers}}

            listen stats
                bind 127.0.0.1:{{statsPort}}
                stats enable
                stats uri /stats

            """);
    }
}
