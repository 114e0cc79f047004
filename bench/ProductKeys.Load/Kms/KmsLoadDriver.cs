using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Load.Kms;

/// <summary>
/// Client activations per second against one real <c>pk kms-host serve</c> (threshold 1, so every
/// request with a new CMID is counted, signed and written with synchronous=FULL), and the same
/// driver against a plain Kestrel JSON echo, at 2, 8 and 32 concurrent clients.
/// </summary>
internal static class KmsLoadDriver
{
    private const string Product = "bench-desktop";
    private static readonly int[] Concurrency = [2, 8, 32];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(int requestsPerLevel)
    {
        var pk = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ProductKeys.Cli", "release", "pk.dll"));
        var self = Path.Combine(AppContext.BaseDirectory, "ProductKeys.Load.dll");
        var root = Directory.CreateTempSubdirectory("pk-kms-load-").FullName;
        Console.WriteLine($"| server | concurrent clients | requests | activations/s | p50 ms | p99 ms | peak RSS MiB |");
        Console.WriteLine($"|---|---|---|---|---|---|---|");
        try
        {
            foreach (var clients in Concurrency)
            {
                var data = Path.Combine(root, $"host-{clients}");
                await ActivateHostAsync(pk, data, root);
                await using (var host = await ServerProcess.StartAsync(pk, "kms-host", "serve", "--data", data, "--urls", "http://127.0.0.1:0"))
                {
                    Print("pk kms-host serve", clients, await MeasureAsync(host.Address, clients, requestsPerLevel, expectActivated: true), host.PeakRssMiB);
                }

                await using (var echo = await ServerProcess.StartAsync(self, "echo-server"))
                {
                    Print("Kestrel JSON echo", clients, await MeasureAsync(echo.Address, clients, requestsPerLevel, expectActivated: false), echo.PeakRssMiB);
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Print(string server, int clients, (int Requests, double PerSecond, double P50, double P99) r, double rss) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {server} | {clients} | {r.Requests} | {r.PerSecond:F0} | {r.P50:F2} | {r.P99:F2} | {rss:F0} |"));

    private static async Task<(int, double, double, double)> MeasureAsync(Uri server, int clients, int requests, bool expectActivated)
    {
        using var http = new HttpClient { BaseAddress = server };
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var hardware = HardwareId.FromDeviceId("bench-device", Product).Value.ToString();

        // Warm-up (JIT, connections, SQLite pages), not measured.
        await RunAsync(http, clients, Math.Min(200, requests), $"w{prefix}", hardware, expectActivated, latencies: null);
        var latencies = new double[requests];
        var total = Stopwatch.StartNew();
        await RunAsync(http, clients, requests, $"m{prefix}", hardware, expectActivated, latencies);
        total.Stop();
        Array.Sort(latencies);
        return (requests, requests / total.Elapsed.TotalSeconds, latencies[requests / 2], latencies[(int)(requests * 0.99)]);
    }

    private static Task RunAsync(HttpClient http, int clients, int requests, string prefix, string hardware, bool expectActivated, double[]? latencies)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                // A distinct CMID per request: every request is a new client for the host.
                var request = new KmsActivationRequest($"{prefix}-{i}", Product, "InitialGrace", hardware, TimeProvider.System.GetUtcNow());
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/kms/v1/activate", request, Json);
                var body = await response.Content.ReadAsStringAsync();
                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                if (!response.IsSuccessStatusCode || (expectActivated && !body.Contains("\"activated\":true", StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"Unexpected answer {(int)response.StatusCode}: {body}");
                }
            }
        }));
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
