using System.Text.Json;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// A publisher key rotation and withdrawal as a CAL server's and a KMS host's operator lives it, through the real pk against a real
/// <c>pk server</c> restarted on its rotated secrets (docs/operations.md "Rotating keys", ADR 0024): each installed online and offline
/// before the rotation; afterwards the second pack and the host's new certificate, signed by the new key, install online (the service's
/// key lists) and offline (the lists in the response) while the first pack still counts; after the withdrawal the first pack stops
/// counting, the report says so, and installing it again brings it back. A trust file of the customer's own key, with a pack and a
/// host certificate signed by it, is refused and changes nothing.
/// </summary>
public sealed class OnPremKeyRotationEndToEndTests : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pk-onprem-rotation-e2e-").FullName;
    private readonly string _url = $"http://127.0.0.1:{DemoServerFixture.FreePort()}";
    private ServerProcess? _server;

    private string Data => Path.Combine(_root, "server");

    [Fact]
    public async Task CAL_servers_and_KMS_hosts_follow_a_rotation_and_a_withdrawal_online_and_offline_and_refuse_the_customers_own_key()
    {
        await StartAsync(demo: true);
        var packs = await KeysAsync("contoso-server-cal", "Mak"); // the demo's 1,200 user CALs: three packs
        var hostKey = (await KeysAsync("contoso-server", "KmsHost"))[0];
        var oldKeyId = (await Pk.RunAsync("publisher-keys", "show", "--data", Data, "--json")).Json.GetProperty("currentKeyId").GetString()!;
        await InstallPackOnlineAsync("cal-online", packs[0]);
        await InstallPackOfflineAsync("cal-offline", packs[0]);
        Assert.Equal(oldKeyId, await ActivateHostOnlineAsync("kms-online", hostKey));
        Assert.Equal(oldKeyId, await ActivateHostOfflineAsync("kms-offline", hostKey));

        await ForgeriesAreRefusedAsync("cal-offline", "kms-offline");

        await _server!.StopAsync();
        var rotated = await Pk.RunAsync("publisher-keys", "rotate", "--data", Data, "--json");
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var newKeyId = rotated.Json.GetProperty("currentKeyId").GetString()!;
        await StartAsync(demo: false);

        await InstallPackOnlineAsync("cal-online", packs[1]);
        await InstallPackOfflineAsync("cal-offline", packs[1]);
        foreach (var cal in new[] { "cal-online", "cal-offline" })
        {
            var report = await ReportAsync(cal);
            Assert.Equal(1000, report.GetProperty("modes")[0].GetProperty("installed").GetInt64()); // the first pack still counts
            Assert.Equal(1, report.GetProperty("keyListSequence").GetInt64());
        }

        Assert.Equal(newKeyId, await ActivateHostOnlineAsync("kms-online", hostKey));
        Assert.Equal(newKeyId, await ActivateHostOfflineAsync("kms-offline", hostKey));

        await _server!.StopAsync();
        Assert.Equal(0, (await Pk.RunAsync("publisher-keys", "withdraw", oldKeyId, "--data", Data)).ExitCode);
        await StartAsync(demo: false);

        // Online: the third pack brings the withdrawal; the first pack, signed by the withdrawn key, stops counting and is named.
        await InstallPackOnlineAsync("cal-online", packs[2]);
        var withdrawn = await ReportAsync("cal-online");
        Assert.Equal(2, withdrawn.GetProperty("packs").GetArrayLength());
        var named = Assert.Single(withdrawn.GetProperty("withdrawnPacks").EnumerateArray());
        Assert.Equal(oldKeyId, named.GetProperty("keyId").GetString());
        // Installed again (same server: no activation used), it is signed by the new key and counts.
        await InstallPackOnlineAsync("cal-online", packs[0]);
        var back = await ReportAsync("cal-online");
        Assert.Equal((3, 0), (back.GetProperty("packs").GetArrayLength(), back.GetProperty("withdrawnPacks").GetArrayLength()));

        // Offline: the response carries the lists up to the withdrawal, and the first pack comes back signed by the new key.
        await InstallPackOfflineAsync("cal-offline", packs[0]);
        var offline = await ReportAsync("cal-offline");
        Assert.Equal((2, 0, 2L), (offline.GetProperty("packs").GetArrayLength(), offline.GetProperty("withdrawnPacks").GetArrayLength(), offline.GetProperty("keyListSequence").GetInt64()));
        foreach (var host in new[] { "kms-online", "kms-offline" })
        {
            var status = await Pk.RunAsync("kms-host", "status", "--data", Folder(host), "--json");
            Assert.True(status.Json.GetProperty("activated").GetBoolean(), status.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    /// <summary>A pack and a host certificate signed by a key of the customer's own, with a trust file of it: refused, nothing changed.</summary>
    private async Task ForgeriesAreRefusedAsync(string cal, string kms)
    {
        using var own = SigningKey.Generate();
        var ownKeys = Path.Combine(_root, "own-publisher-keys.pem");
        await File.WriteAllTextAsync(ownKeys, own.PublicKey.ToPem(), TestContext.Current.CancellationToken);
        var signer = new ArtifactSigner(own, TimeProvider.System);

        var (serverId, serverKey) = Identity(cal, "server-id");
        var pack = CalPackCertificate.Issue(signer, Guid.NewGuid().ToString(), "contoso-server-cal", CalMode.PerUser, 100000, 100000, serverId, serverKey);
        var packResponse = await ResponseFileAsync("forged-pack", new { format = "pk-cal-pack-response-v1", serverId, packCertificate = pack.Text });
        var (hostId, hostKey) = Identity(kms, "host-id");
        var certificate = KmsHostCertificate.Issue(signer, hostId, hostKey, [new("contoso-server", 1)], "forged");
        var hostResponse = await ResponseFileAsync("forged-host", new { format = "pk-kms-host-response-v1", hostId, hostCertificate = certificate.Text });

        var before = (Files(cal), Files(kms));
        var refusedPack = await Pk.RunAsync("cal-server", "install-pack", "--data", Folder(cal), "--offline-response", packResponse, "--trust", ownKeys, "--json");
        var refusedHost = await Pk.RunAsync("kms-host", "activate", "--data", Folder(kms), "--offline-response", hostResponse, "--trust", ownKeys, "--json");
        foreach (var refused in new[] { refusedPack, refusedHost })
        {
            Assert.True(refused.ExitCode == ErrorCatalogue.PublisherKeyNotVouched.ExitCode, refused.ToString());
            Assert.Equal(ErrorCatalogue.PublisherKeyNotVouched.Code, refused.Json.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.Equal(before, (Files(cal), Files(kms)));
        Assert.Equal(500, (await ReportAsync(cal)).GetProperty("modes")[0].GetProperty("installed").GetInt64());
    }

    private async Task InstallPackOnlineAsync(string cal, string mak)
    {
        var installed = await Pk.RunAsync("cal-server", "install-pack", "--data", Folder(cal), "--key", mak, "--service", _url, "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
    }

    /// <summary>--offline-request, pk offline activate, --offline-response with the publisher-keys.pem written beside it.</summary>
    private async Task InstallPackOfflineAsync(string cal, string mak)
    {
        var (response, keys) = await OfflineAsync(cal, ["cal-server", "install-pack", "--data", Folder(cal), "--key", mak]);
        var installed = await Pk.RunAsync("cal-server", "install-pack", "--data", Folder(cal), "--offline-response", response, "--trust", keys, "--json");
        Assert.True(installed.ExitCode == 0, installed.ToString());
    }

    /// <summary>Activates online; returns the key ID that signed the host certificate.</summary>
    private async Task<string> ActivateHostOnlineAsync(string kms, string hostKey)
    {
        var activated = await Pk.RunAsync("kms-host", "activate", "--data", Folder(kms), "--key", hostKey, "--service", _url, "--json");
        Assert.True(activated.ExitCode == 0, activated.ToString());
        return CertificateSigner(kms);
    }

    private async Task<string> ActivateHostOfflineAsync(string kms, string hostKey)
    {
        var (response, keys) = await OfflineAsync(kms, ["kms-host", "activate", "--data", Folder(kms), "--key", hostKey]);
        var activated = await Pk.RunAsync("kms-host", "activate", "--data", Folder(kms), "--offline-response", response, "--trust", keys, "--json");
        Assert.True(activated.ExitCode == 0, activated.ToString());
        return CertificateSigner(kms);
    }

    /// <summary>Writes a request with <paramref name="command"/>, answers it with pk offline activate; returns the response and publisher-keys.pem.</summary>
    private async Task<(string Response, string Keys)> OfflineAsync(string folder, string[] command)
    {
        var request = Path.Combine(_root, $"{folder}-request.json");
        var written = await Pk.RunAsync([.. command, "--offline-request", request]);
        Assert.True(written.ExitCode == 0, written.ToString());
        var responses = Path.Combine(_root, $"{folder}-responses-{Guid.NewGuid():N}");
        var answered = await Pk.RunAsync("offline", "activate", request, "--out", responses, "--service", _url, "--token", Token("billing-contributor"), "--json");
        Assert.True(answered.ExitCode == 0, answered.ToString());
        return (Path.Combine(responses, $"{folder}-request.response.json"), Path.Combine(responses, "publisher-keys.pem"));
    }

    private async Task<JsonElement> ReportAsync(string cal)
    {
        var report = await Pk.RunAsync("cal-server", "report", "--data", Folder(cal), "--json");
        Assert.True(report.ExitCode == 0, report.ToString());
        return report.Json;
    }

    private async Task<string> ResponseFileAsync(string name, object response)
    {
        var path = Path.Combine(_root, $"{name}.response.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(response), TestContext.Current.CancellationToken);
        return path;
    }

    private string Folder(string name) => Path.Combine(_root, name);

    /// <summary>A data folder's ID and public key, as its request files carry them.</summary>
    private (string Id, string PublicKey) Identity(string folder, string idFile)
    {
        using var key = SigningKeyFile.Load(Path.Combine(Folder(folder), SigningKeyFile.PrivateKeyFileName)).Value;
        return (File.ReadAllText(Path.Combine(Folder(folder), idFile)).Trim(), key.PublicKey.ToPem());
    }

    /// <summary>Every file of a data folder but its database, as it is.</summary>
    private string Files(string folder) => string.Join("\n--\n", Directory.GetFiles(Folder(folder))
        .Where(f => !Path.GetFileName(f).StartsWith("cal.db", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("kms.", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileName(f)}\n{File.ReadAllText(f)}"));

    /// <summary>The key ID that signed a KMS host's certificate (docs/formats/signed-artifact-v1.md: after magic, version, purpose).</summary>
    private string CertificateSigner(string kms)
    {
        var text = File.ReadAllText(Path.Combine(Folder(kms), "host-certificate.txt")).Trim();
        var base64 = text["PKA1.".Length..].Replace('-', '+').Replace('_', '/');
        var bytes = Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        return Convert.ToHexStringLower(bytes.AsSpan(5 + bytes[4], 8));
    }

    private async Task StartAsync(bool demo)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        _server = await ServerProcess.StartAsync(demo ? "demo data written" : "listening on",
            demo ? ["server", "--demo", "--data", Data, "--urls", _url] : ["server", "--data", Data, "--urls", _url]);
    }

    private string Token(string user) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, "demo.json"))).RootElement.GetProperty("users").EnumerateArray()
            .Single(u => u.GetProperty("name").GetString() == user).GetProperty("token").GetString()!;

    private async Task<List<string>> KeysAsync(string product, string type)
    {
        var listed = await Pk.RunAsync("keys", "list", "--service", _url, "--token", Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return [.. listed.Json.GetProperty("keys").EnumerateArray()
            .Where(k => k.GetProperty("product").GetString() == product && k.GetProperty("type").GetString() == type)
            .Select(k => k.GetProperty("key").GetString()!)];
    }
}
