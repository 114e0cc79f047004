using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Load.Kms;

/// <summary>
/// Client activations per second against one real KMS host (threshold 1, so every request with a new
/// CMID is counted, signed and committed before the answer): <c>pk kms-host serve</c> (JIT, inside
/// the CLI) and, when published (scripts/publish-kms-host.sh), the Native AOT <c>pk-kms-host</c>,
/// each with <c>--sync normal</c> and <c>--sync full</c>; and the same driver against a plain
/// Kestrel JSON echo, at 2, 8 and 32 concurrent clients. Every server runs in a fresh process per level.
/// </summary>
internal static class KmsLoadDriver
{
    private const string Product = "bench-desktop";
    private static readonly int[] Concurrency = [2, 8, 32];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="requestsPerLevel">Measured requests per server and level (after 200 not measured).</param>
    /// <param name="only">Server names to run (all when empty), e.g. <c>native-normal,echo</c>.</param>
    public static async Task RunAsync(int requestsPerLevel, IReadOnlySet<string> only)
    {
        var pk = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ProductKeys.Cli", "release", "pk.dll"));
        var native = NativeHost();
        var self = Path.Combine(AppContext.BaseDirectory, "ProductKeys.Load.dll");
        Console.WriteLine($"pk (JIT): {pk}");
        if (Environment.GetEnvironmentVariable("PK_KMS_BASELINE") is { Length: > 0 } baseline)
        {
            Console.WriteLine($"baseline (JIT, its own defaults): {baseline}");
        }

        if (Environment.GetEnvironmentVariable("PK_KMS_BASELINE_NATIVE") is { Length: > 0 } baselineNative)
        {
            Console.WriteLine($"baseline-native (its own defaults): {baselineNative}");
        }

        Console.WriteLine(native is null
            ? "pk-kms-host (Native AOT): not published, not measured (scripts/publish-kms-host.sh, or PK_KMS_HOST_NATIVE=PATH)"
            : $"pk-kms-host (Native AOT): {native}");
        var servers = Servers(pk, native, self).Where(s => only.Count == 0 || only.Contains(s.Name)).ToList();
        var root = Directory.CreateTempSubdirectory("pk-kms-load-").FullName;
        Console.WriteLine("| server | concurrent clients | requests | activations/s | p50 ms | p99 ms | server CPU µs/request | peak RSS MiB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        try
        {
            foreach (var clients in Concurrency)
            {
                foreach (var server in servers)
                {
                    var data = Path.Combine(root, $"{server.Name}-{clients}");
                    if (server.Activates)
                    {
                        await ActivateHostAsync(pk, data, root);
                    }

                    await using var process = await server.Start(data);
                    Print(server.Name, clients, await MeasureAsync(process, clients, requestsPerLevel, server.Activates), process.PeakRssMiB);
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static IEnumerable<KmsServerUnderTest> Servers(string pk, string? native, string self)
    {
        // Another build's pk.dll (e.g. main's, for a before/after in the same run), served with its own defaults.
        if (Environment.GetEnvironmentVariable("PK_KMS_BASELINE") is { Length: > 0 } baseline)
        {
            yield return new("baseline", data => ServerProcess.StartAsync(baseline, "kms-host", "serve", "--data", data, "--urls", "http://127.0.0.1:0"), true);
        }

        // Another build's native host (e.g. main's), served with its own defaults.
        if (Environment.GetEnvironmentVariable("PK_KMS_BASELINE_NATIVE") is { Length: > 0 } baselineNative)
        {
            yield return new("baseline-native", data => ServerProcess.StartProgramAsync(baselineNative, "--data", data, "--urls", "http://127.0.0.1:0"), true);
        }

        foreach (var sync in (string[])["normal", "full"])
        {
            yield return new($"pk-{sync}", data => ServerProcess.StartAsync(pk, "kms-host", "serve", "--data", data, "--urls", "http://127.0.0.1:0", "--sync", sync), true);
            if (native is not null)
            {
                yield return new($"native-{sync}", data => ServerProcess.StartProgramAsync(native, "--data", data, "--urls", "http://127.0.0.1:0", "--sync", sync), true);
            }
        }

        yield return new("echo", _ => ServerProcess.StartAsync(self, "echo-server"), false);
    }

    /// <summary>The published native host: <c>PK_KMS_HOST_NATIVE</c>, else where scripts/publish-kms-host.sh puts it.</summary>
    private static string? NativeHost()
    {
        var path = Environment.GetEnvironmentVariable("PK_KMS_HOST_NATIVE") is { Length: > 0 } set
            ? set
            : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "publish", "ProductKeys.KmsHost.Native", "release_linux-x64", "pk-kms-host");
        return File.Exists(path) ? Path.GetFullPath(path) : null;
    }

    private static void Print(string server, int clients, (int Requests, double PerSecond, double P50, double P99, double CpuMicroseconds) r, double rss) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {server} | {clients} | {r.Requests} | {r.PerSecond:F0} | {r.P50:F2} | {r.P99:F2} | {r.CpuMicroseconds:F0} | {rss:F0} |"));

    private static async Task<(int, double, double, double, double)> MeasureAsync(ServerProcess server, int clients, int requests, bool expectActivated)
    {
        var hardware = HardwareId.FromDeviceId("bench-device", Product).Value.ToString();

        // Warm-up (JIT, connections, SQLite pages), not measured.
        await RunAsync(server.Address, clients, Math.Min(200, requests), hardware, expectActivated, latencies: null);
        var latencies = new double[requests];
        var cpuBefore = server.CpuSeconds;
        var total = Stopwatch.StartNew();
        await RunAsync(server.Address, clients, requests, hardware, expectActivated, latencies);
        total.Stop();
        var cpu = server.CpuSeconds - cpuBefore;
        Array.Sort(latencies);
        return (requests, requests / total.Elapsed.TotalSeconds, latencies[requests / 2], latencies[(int)(requests * 0.99)], cpu / requests * 1e6);
    }

    /// <summary>
    /// <paramref name="clients"/> threads, each with its own keep-alive connection and one request
    /// outstanding at a time, until <paramref name="requests"/> answers have come back; every answer
    /// is checked (200, and for a KMS host <c>"activated":true</c>).
    /// </summary>
    private static Task RunAsync(Uri address, int clients, int requests, string hardware, bool expectActivated, double[]? latencies)
    {
        var next = -1;
        var threads = Enumerable.Range(0, clients).Select(_ => Task.Factory.StartNew(() =>
        {
            using var connection = new KeepAliveConnection(address);
            var request = new KmsRequestBytes(address, Product, hardware);
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                // A new random CMID per request, as a real client makes one (32 hex digits): every request
                // is a new client for the host, landing anywhere in its tables, not in key order.
                var bytes = request.Next(TimeProvider.System.GetUtcNow());
                var started = Stopwatch.GetTimestamp();
                var (status, body) = connection.Send(bytes);
                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                if (status != 200 || (expectActivated && body.Span.IndexOf("\"activated\":true"u8) < 0))
                {
                    throw new InvalidOperationException($"Unexpected answer {status}: {Encoding.UTF8.GetString(body.Span)}");
                }
            }
        }, TaskCreationOptions.LongRunning));
        return Task.WhenAll(threads);
    }

    private static async Task ActivateHostAsync(string pk, string data, string root)
    {
        using var publisher = SigningKey.Generate();
        var trust = Path.Combine(root, "publisher.pem");
        SigningKeyFile.SavePublicKeys(trust, new TrustedKeySet(publisher.PublicKey));
        var requestFile = Path.Combine(root, "request.json");
        await RunPkAsync(pk, "kms-host", "activate", "--data", data, "--key", ProductKey.Derive(KeyType.KmsHost, 1, 1, new byte[32]).ToString(), "--offline-request", requestFile);
        var request = JsonSerializer.Deserialize<KmsHostActivationRequest>(await File.ReadAllTextAsync(requestFile), Json)!;
        var certificate = KmsHostCertificate.Issue(new ArtifactSigner(publisher, TimeProvider.System), request.HostId!, request.HostPublicKey!, [new(Product, 1)], "ba-bench");
        var responseFile = Path.Combine(root, "response.txt");
        await File.WriteAllTextAsync(responseFile, certificate.Text);
        await RunPkAsync(pk, "kms-host", "activate", "--data", data, "--offline-response", responseFile, "--trust", trust);
    }

    private static async Task RunPkAsync(string pk, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(pk);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pk {string.Join(' ', arguments)} exited {process.ExitCode}");
        }
    }
}
