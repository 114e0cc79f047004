using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.KmsHost.Tests.EndToEnd;

/// <summary>
/// The whole KMS story through the real <c>pk</c> binary: a real <c>pk kms-host serve</c> process,
/// activated offline with a certificate from a test publisher key, and devices activating through it.
/// </summary>
public sealed partial class KmsEndToEndTests : IDisposable
{
    private const string Product = "contoso-server";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"pk-kms-e2e-{Guid.NewGuid():N}");
    private readonly SigningKey _publisher = SigningKey.Generate();

    [Fact]
    public async Task Devices_activate_through_a_real_host_once_it_has_seen_five()
    {
        var data = Path.Combine(_root, "host");
        var trust = Path.Combine(_root, "publisher.pem");
        Directory.CreateDirectory(_root);
        SigningKeyFile.SavePublicKeys(trust, new TrustedKeySet(_publisher.PublicKey));
        var hostKey = ProductKey.Derive(KeyType.KmsHost, 42, 7, new byte[32]).ToString();
        var clientKey = ProductKey.Derive(KeyType.KmsClientSetup, 42, 0, new byte[32]).ToString();

        // The host starts before it is activated, and activates nobody.
        using var server = Process.Start(PkProcess.StartInfo("kms-host", "serve", "--data", data, "--urls", "http://127.0.0.1:0"))!;
        try
        {
            var banner = await server.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            var address = ListeningAddress().Match(banner ?? "");
            Assert.True(address.Success, $"unexpected banner: {banner}");
            var port = int.Parse(address.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);

            var early = await Device(0, clientKey, port);
            Assert.Equal(20, early.ExitCode);
            Assert.Contains("KMS_HOST_NOT_ACTIVATED", early.Error, StringComparison.Ordinal);

            // Offline activation: request file out, certificate from the (test) publisher in.
            var requestFile = Path.Combine(_root, "request.json");
            var requested = await PkProcess.RunAsync("kms-host", "activate", "--data", data, "--key", hostKey, "--offline-request", requestFile);
            Assert.True(requested.ExitCode == 0, requested.ToString());
            var request = JsonSerializer.Deserialize<KmsHostActivationRequest>(await File.ReadAllTextAsync(requestFile, TestContext.Current.CancellationToken), Json)!;
            Assert.Equal(hostKey, request.Key);
            var certificate = KmsHostCertificate.Issue(new ArtifactSigner(_publisher, TimeProvider.System), request.HostId!, request.HostPublicKey!,
                [new(Product, 5), new("contoso-desktop", 25)], "ba-e2e");
            var responseFile = Path.Combine(_root, "response.json");
            await File.WriteAllTextAsync(responseFile, JsonSerializer.Serialize(new KmsHostActivationResponse(certificate.Text), Json), TestContext.Current.CancellationToken);
            var activated = await PkProcess.RunAsync("kms-host", "activate", "--data", data, "--offline-response", responseFile, "--trust", trust, "--json");
            Assert.True(activated.ExitCode == 0, activated.ToString());
            Assert.True(activated.Json.GetProperty("activated").GetBoolean());

            // The count climbs; the fifth device reaches the threshold.
            for (var device = 1; device <= 4; device++)
            {
                var notYet = await Device(device, clientKey, port);
                Assert.True(notYet.ExitCode == 19, notYet.ToString());
                Assert.Contains($"seen {device} of the 5", notYet.Error, StringComparison.Ordinal);
            }

            var fifth = await Device(5, clientKey, port);
            Assert.True(fifth.ExitCode == 0, fifth.ToString());
            AssertLicensedFor180Days(fifth.Json);

            for (var device = 1; device <= 4; device++)
            {
                var retry = await PkProcess.RunAsync("ato", "--store", Store(device), "--trust-on-first-use", "--json");
                Assert.True(retry.ExitCode == 0, retry.ToString());
            }

            var status = await PkProcess.RunAsync("dlv", "--store", Store(1), "--json");
            AssertLicensedFor180Days(status.Json);
            Assert.Equal($"127.0.0.1:{port}", status.Json.GetProperty("kmsHost").GetString());
            Assert.True(status.Json.GetProperty("nextRenewalDue").GetDateTimeOffset() > TimeProvider.System.GetUtcNow().AddDays(6.9));

            var host = await PkProcess.RunAsync("kms-host", "status", "--data", data, "--json");
            Assert.True(host.ExitCode == 0, host.ToString());
            var h = host.Json;
            Assert.True(h.GetProperty("activated").GetBoolean());
            Assert.Equal(port, h.GetProperty("port").GetInt32());
            var product = h.GetProperty("products").EnumerateArray().Single(p => p.GetProperty("product").GetString() == Product);
            Assert.Equal(5, product.GetProperty("count").GetInt32());
            Assert.Equal(5, product.GetProperty("threshold").GetInt32());
            Assert.Equal(10, h.GetProperty("requests").GetInt64());
            Assert.Equal(1, h.GetProperty("failed").GetInt64());
            Assert.Equal(5, h.GetProperty("activations").GetInt64());
        }
        finally
        {
            await StopAsync(server);
        }

        Assert.Equal(0, server.ExitCode);
    }

    [Fact]
    public async Task A_device_finds_the_host_through_dns_srv_and_fails_over_past_a_dead_one()
    {
        var data = Path.Combine(_root, "host");
        var trust = Path.Combine(_root, "publisher.pem");
        Directory.CreateDirectory(_root);
        SigningKeyFile.SavePublicKeys(trust, new TrustedKeySet(_publisher.PublicKey));
        await ActivateHostOfflineAsync(data, trust, threshold: 1);

        using var server = Process.Start(PkProcess.StartInfo("kms-host", "serve", "--data", data, "--urls", "http://127.0.0.1:0"))!;
        try
        {
            var port = await ReadPortAsync(server);
            var deadPort = FreeTcpPort();
            const string name = "_pk-kms._tcp.corp.test";
            using var dns = await Client.Tests.Kms.DnsmasqServer.StartAsync(
                [$"{name},localhost,{deadPort},10,100", $"{name},localhost,{port},20,100"], name, TestContext.Current.CancellationToken);

            var store = Store(1);
            var clientKey = ProductKey.Derive(KeyType.KmsClientSetup, 42, 0, new byte[32]).ToString();
            Assert.Equal(0, (await PkProcess.RunAsync("ipk", clientKey, "--product", Product, "--store", store, "--device-id", "dns-device", "--trust", trust)).ExitCode);
            var activated = await PkProcess.RunAsync("ato", "--store", store, "--trust-on-first-use", "--kms-domain", "corp.test", "--dns-server", dns.EndPoint.ToString(), "--json");
            Assert.True(activated.ExitCode == 0, activated.ToString());
            Assert.Equal("Licensed", activated.Json.GetProperty("state").GetString());

            var status = await PkProcess.RunAsync("dlv", "--store", store, "--json");
            Assert.Equal($"localhost:{port}", status.Json.GetProperty("kmsCachedHost").GetString());
        }
        finally
        {
            await StopAsync(server);
        }
    }

    [Fact]
    public async Task An_unknown_sync_mode_is_refused_before_anything_starts()
    {
        var data = Path.Combine(_root, "host");
        var refused = await PkProcess.RunAsync("kms-host", "serve", "--data", data, "--urls", "http://127.0.0.1:0", "--sync", "sometimes");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("sometimes", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }

    [Theory]
    [InlineData("normal")]
    [InlineData("full")]
    public async Task A_host_killed_mid_count_comes_back_with_its_count(string sync)
    {
        var data = Path.Combine(_root, "host");
        var trust = Path.Combine(_root, "publisher.pem");
        Directory.CreateDirectory(_root);
        SigningKeyFile.SavePublicKeys(trust, new TrustedKeySet(_publisher.PublicKey));
        await ActivateHostOfflineAsync(data, trust, threshold: 3);
        var port = FreeTcpPort();
        var clientKey = ProductKey.Derive(KeyType.KmsClientSetup, 42, 0, new byte[32]).ToString();

        using (var first = Process.Start(PkProcess.StartInfo("kms-host", "serve", "--data", data, "--urls", $"http://127.0.0.1:{port}", "--sync", sync))!)
        {
            try
            {
                Assert.Equal(port, await ReadPortAsync(first));
                Assert.Equal(19, (await Device(1, clientKey, port)).ExitCode);
                Assert.Equal(19, (await Device(2, clientKey, port)).ExitCode);
            }
            finally
            {
                // A crash, not a clean stop: only what was committed before answering survives.
                first.Kill();
                await first.WaitForExitAsync(TestContext.Current.CancellationToken);
            }
        }

        using var second = Process.Start(PkProcess.StartInfo("kms-host", "serve", "--data", data, "--urls", $"http://127.0.0.1:{port}", "--sync", sync))!;
        try
        {
            Assert.Equal(port, await ReadPortAsync(second));
            var third = await Device(3, clientKey, port);
            Assert.True(third.ExitCode == 0, third.ToString());
            Assert.Equal("Licensed", third.Json.GetProperty("state").GetString());
        }
        finally
        {
            await StopAsync(second);
        }
    }

    [Fact]
    public async Task Two_hundred_clients_at_once_are_each_counted_once_and_every_acknowledged_activation_survives_a_kill()
    {
        const int clients = 200;
        const int threshold = 100; // the count cap is twice that, so every count from 1 to 200 is answered uncapped
        var data = Path.Combine(_root, "host");
        var trust = Path.Combine(_root, "publisher.pem");
        Directory.CreateDirectory(_root);
        SigningKeyFile.SavePublicKeys(trust, new TrustedKeySet(_publisher.PublicKey));
        await ActivateHostOfflineAsync(data, trust, threshold);

        KmsActivationResponse[] answers;
        using (var server = Process.Start(PkProcess.StartInfo("kms-host", "serve", "--data", data, "--urls", "http://127.0.0.1:0"))!)
        {
            try
            {
                var port = await ReadPortAsync(server);
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                answers = await Task.WhenAll(Enumerable.Range(1, clients).Select(async device =>
                {
                    var request = new KmsActivationRequest($"cmid-{device:D4}", Product, "InitialGrace",
                        Core.Devices.HardwareId.FromDeviceId($"e2e-device-{device}", Product).Value.ToString(), TimeProvider.System.GetUtcNow());
                    using var response = await http.PostAsJsonAsync(Core.Kms.KmsProtocol.ActivatePath, request, Json, TestContext.Current.CancellationToken);
                    Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
                    return (await response.Content.ReadFromJsonAsync<KmsActivationResponse>(Json, TestContext.Current.CancellationToken))!;
                }));
            }
            finally
            {
                // Right after the last answer, a crash (SIGKILL), not a clean stop: only what was committed before answering survives.
                server.Kill();
                await server.WaitForExitAsync(TestContext.Current.CancellationToken);
            }
        }

        // Each client was counted once: the answers carry every count from 1 to 200, and the clients
        // from the 100th on were activated.
        Assert.Equal(Enumerable.Range(1, clients), answers.Select(a => a.Count).Order());
        Assert.All(answers, a => Assert.Equal(a.Count >= threshold, a.Activated));
        var acknowledged = answers.Where(a => a.Activated)
            .Select(a => KmsClientCertificate.Verify(a.ClientCertificate, a.HostCertificate, new TrustedKeySet(_publisher.PublicKey), TimeProvider.System))
            .Select(c => c.IsSuccess ? c.Value.ActivationId : throw new InvalidOperationException(c.Refusal.ToString()))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Equal(clients - threshold + 1, acknowledged.Count);

        // After the kill: the count, the totals and every acknowledged activation are in the database.
        var status = await PkProcess.RunAsync("kms-host", "status", "--data", data, "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        var product = status.Json.GetProperty("products").EnumerateArray().Single(p => p.GetProperty("product").GetString() == Product);
        Assert.Equal(clients, product.GetProperty("count").GetInt32());
        Assert.Equal(clients, status.Json.GetProperty("requests").GetInt64());
        Assert.Equal(acknowledged.Count, status.Json.GetProperty("activations").GetInt64());
        using var database = Counting.KmsDatabase.Open(new Data.KmsHostFolder(data).DatabaseFile);
        var stored = database.Read(connection =>
        {
            using var command = Counting.KmsTables.Command(connection, "SELECT activation_id FROM activations;");
            using var reader = command.ExecuteReader();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        });
        Assert.Subset(stored, acknowledged);
        Assert.Equal(acknowledged.Count, stored.Count);
    }

    public void Dispose()
    {
        _publisher.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static void AssertLicensedFor180Days(JsonElement status)
    {
        Assert.Equal("Licensed", status.GetProperty("state").GetString());
        var expires = status.GetProperty("expires").GetDateTimeOffset();
        Assert.InRange(expires, TimeProvider.System.GetUtcNow().AddDays(179.9), TimeProvider.System.GetUtcNow().AddDays(180));
    }

    private static async Task StopAsync(Process server)
    {
        if (server.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await server.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            server.Kill();
            throw;
        }
    }

    [GeneratedRegex(@"listening on http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningAddress();

    private string Store(int device) => Path.Combine(_root, $"device-{device}");

    private static async Task<int> ReadPortAsync(Process server)
    {
        var banner = await server.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        var address = ListeningAddress().Match(banner ?? "");
        Assert.True(address.Success, $"unexpected banner: {banner}");
        return int.Parse(address.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int FreeTcpPort() => ProductKeys.Testing.LoopbackPort.FreeTcp();

    private async Task ActivateHostOfflineAsync(string data, string trust, int threshold)
    {
        var hostKey = ProductKey.Derive(KeyType.KmsHost, 42, 7, new byte[32]).ToString();
        var requestFile = Path.Combine(_root, "request.json");
        var requested = await PkProcess.RunAsync("kms-host", "activate", "--data", data, "--key", hostKey, "--offline-request", requestFile);
        Assert.True(requested.ExitCode == 0, requested.ToString());
        var request = JsonSerializer.Deserialize<KmsHostActivationRequest>(await File.ReadAllTextAsync(requestFile, TestContext.Current.CancellationToken), Json)!;
        var certificate = KmsHostCertificate.Issue(new ArtifactSigner(_publisher, TimeProvider.System), request.HostId!, request.HostPublicKey!,
            [new(Product, threshold)], "ba-e2e");
        var responseFile = Path.Combine(_root, "response.txt");
        await File.WriteAllTextAsync(responseFile, certificate.Text, TestContext.Current.CancellationToken);
        var activated = await PkProcess.RunAsync("kms-host", "activate", "--data", data, "--offline-response", responseFile, "--trust", trust);
        Assert.True(activated.ExitCode == 0, activated.ToString());
    }

    /// <summary>A new device: installs the KMS client setup key, pins the host, activates.</summary>
    private async Task<PkResult> Device(int device, string clientKey, int port)
    {
        var store = Store(device);
        var installed = await PkProcess.RunAsync("ipk", clientKey, "--product", Product, "--store", store, "--device-id", $"e2e-device-{device}",
            "--trust", Path.Combine(_root, "publisher.pem"));
        Assert.True(installed.ExitCode == 0, installed.ToString());
        var pinned = await PkProcess.RunAsync("skms", $"127.0.0.1:{port}", "--store", store);
        Assert.True(pinned.ExitCode == 0, pinned.ToString());
        return await PkProcess.RunAsync("ato", "--store", store, "--trust-on-first-use", "--json");
    }
}
