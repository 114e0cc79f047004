using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// Both rotations of docs/operations.md "Rotating keys" through the real pk (ADR 0024): the publisher signing key
/// (devices learn the new key from the signed key list; a withdrawn key stops verifying) and the key-group secret
/// (earlier keys keep working under their version; new keys derive from the new one). Each restarts a real
/// <c>pk server</c> on the rotated secrets folder, as an operator does.
/// </summary>
public sealed class KeyRotationEndToEndTests : IAsyncDisposable
{
    private const string Product = "contoso-server"; // demo order of 10: limit 15
    private readonly string _root = Directory.CreateTempSubdirectory("pk-rotation-e2e-").FullName;
    private readonly string _url = $"http://127.0.0.1:{DemoServerFixture.FreePort()}";
    private ServerProcess? _server;

    private string Data => Path.Combine(_root, "server");

    [Fact]
    public async Task A_rotated_signing_key_reaches_devices_through_the_signed_key_list_and_a_withdrawn_key_stops_verifying()
    {
        await StartAsync(demo: true);
        var mak = await DemoMakAsync();
        var oldKeys = Path.Combine(_root, "old-publisher.pem");
        Assert.Equal(0, (await Pk.RunAsync("publisher-keys", "export", "--service", _url, "--out", oldKeys)).ExitCode);
        var oldKeyId = (await Pk.RunAsync("publisher-keys", "show", "--data", Data, "--json")).Json.GetProperty("currentKeyId").GetString()!;
        // Two devices activated before the rotation: one will activate again, one never will.
        Assert.Equal(oldKeyId, await ActivateAsync("renewing", mak, "--trust", oldKeys));
        Assert.Equal(oldKeyId, await ActivateAsync("stale", mak, "--trust", oldKeys));

        await _server!.StopAsync();
        var beforeRotation = CopySecrets("before-rotation");
        var rotated = await Pk.RunAsync("publisher-keys", "rotate", "--data", Data, "--json");
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var newKeyId = rotated.Json.GetProperty("currentKeyId").GetString()!;
        Assert.Equal(oldKeyId, rotated.Json.GetProperty("previousKeyId").GetString());
        await StartAsync(demo: false);

        // Old artifacts keep verifying; new ones are signed by the new key, which a device that trusts only the
        // old one learns from the key list at activation.
        Assert.Equal("Licensed", await StateAsync("stale"));
        Assert.Equal(newKeyId, await ActivateAsync("new", mak, "--trust", oldKeys));
        Assert.Equal(newKeyId, await ActivateAsync("renewing", null));
        Assert.Equal(3, (await Pk.RunAsync("mak", "count", mak, "--service", _url, "--token", Token("billing-contributor"), "--json")).Json.GetProperty("activationsUsed").GetInt32());

        // An air-gapped device learns it from a file, through the same chain of signatures.
        var lists = Path.Combine(_root, "key-lists.txt");
        var exported = await Pk.RunAsync("publisher-keys", "export", "--service", _url, "--out", Path.Combine(_root, "keys.pem"), "--key-lists", lists);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        // It says it wrote the lists too, and where, not only the keys.
        Assert.True(exported.Stdout.Contains($" signed key list(s) to {lists}: on an air-gapped device, 'pk trust update --store S --from FILE'.", StringComparison.Ordinal),
            exported.ToString());
        await InstallAsync("airgap", mak, "--trust", oldKeys);
        var learned = await Pk.RunAsync("trust", "update", "--store", Store("airgap"), "--from", lists, "--json");
        Assert.True(learned.ExitCode == 0, learned.ToString());
        Assert.Equal([newKeyId], learned.Json.GetProperty("learned").EnumerateArray().Select(e => e.GetString()!));
        // A key list signed by a key nobody trusts teaches nothing: a device that trusts another publisher ignores it.
        var strangers = Path.Combine(_root, "stranger.pem");
        using (var stranger = Core.Signing.SigningKey.Generate())
        {
            await File.WriteAllTextAsync(strangers, stranger.PublicKey.ToPem(), TestContext.Current.CancellationToken);
        }

        await InstallAsync("stranger", mak, "--trust", strangers);
        var ignored = await Pk.RunAsync("trust", "update", "--store", Store("stranger"), "--from", lists, "--json");
        Assert.True(ignored.ExitCode == 0, ignored.ToString());
        Assert.Empty(ignored.Json.GetProperty("learned").EnumerateArray());

        // A node still holding the secrets from before the rotation is refused once the rotated folder has run.
        var staleNode = await Pk.RunAsync("server", "--data", Data, "--secrets", beforeRotation, "--urls", $"http://127.0.0.1:{DemoServerFixture.FreePort()}");
        Assert.Equal(ErrorCatalogue.SecretsMismatch.ExitCode, staleNode.ExitCode);

        // Withdrawal: the old key's artifacts stop verifying on devices that learn it; re-activated ones hold.
        await _server!.StopAsync();
        var withdrawn = await Pk.RunAsync("publisher-keys", "withdraw", oldKeyId, "--data", Data, "--json");
        Assert.True(withdrawn.ExitCode == 0, withdrawn.ToString());
        Assert.False(File.Exists(Path.Combine(Data, "secrets", "signing-keys", oldKeyId + ".pem")));
        await StartAsync(demo: false);
        {
            var dropped = await Pk.RunAsync("trust", "update", "--store", Store("stale"), "--json");
            Assert.True(dropped.ExitCode == 0, dropped.ToString());
            Assert.Equal([oldKeyId], dropped.Json.GetProperty("dropped").EnumerateArray().Select(e => e.GetString()!));
            Assert.NotEqual("Licensed", await StateAsync("stale"));
            Assert.Equal(0, (await Pk.RunAsync("trust", "update", "--store", Store("renewing"))).ExitCode);
            Assert.Equal("Licensed", await StateAsync("renewing"));
            // The stale device activates again and holds (same device: no activation used).
            Assert.Equal(newKeyId, await ActivateAsync("stale", null));
            using var http = new HttpClient();
            var published = JsonDocument.Parse(await http.GetStringAsync($"{_url}/api/v1/publisher-keys", TestContext.Current.CancellationToken)).RootElement;
            Assert.Equal([newKeyId], published.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("keyId").GetString()!));
        }
    }

    [Fact]
    public async Task A_key_group_secret_rotation_keeps_earlier_keys_working_and_issues_new_keys_under_the_new_version()
    {
        await StartAsync(demo: true);
        var before = await DemoMakAsync();
        await ActivateAsync("before", before, "--trust-on-first-use");

        await _server!.StopAsync();
        var beforeRotation = CopySecrets("before-rotation");
        var rotated = await Pk.RunAsync("key-groups", "rotate", "--data", Data, "--json");
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Equal(2, rotated.Json.GetProperty("version").GetInt32());
        await StartAsync(demo: false);
        {
            // The earlier key shows the same plaintext and still activates.
            Assert.Contains(before, await KeysAsync("Mak"));
            await ActivateAsync("before-2", before, "--trust-on-first-use");

            // A new order's keys derive from version 2: they activate, and the same serial's version-1 key does not.
            var ordered = await Pk.RunAsync("orders", "create", "--product", Product, "--quantity", "5", "--service", _url, "--token", Token("billing-contributor"), "--json");
            Assert.True(ordered.ExitCode == 0, ordered.ToString());
            var after = (await KeysAsync("Mak")).Single(k => k != before);
            await ActivateAsync("after", after, "--trust-on-first-use");
            var parsed = ProductKey.Parse(after).Value;
            var underVersion1 = ProductKey.Derive(KeyType.Mak, parsed.Group, parsed.Serial, GroupSecret(Path.Combine(Data, "secrets", "key-groups.key"), parsed.Group)).ToString();
            Assert.NotEqual(after, underVersion1);
            await InstallAsync("forged", underVersion1);
            var forged = await Pk.RunAsync("ato", "--store", Store("forged"), "--trust-on-first-use", "--json");
            Assert.Equal(ErrorCatalogue.KeyUnknown.ExitCode, forged.ExitCode);

            // A node without version 2 is refused: it could neither show nor verify the new keys.
            var staleNode = await Pk.RunAsync("server", "--data", Data, "--secrets", beforeRotation, "--urls", $"http://127.0.0.1:{DemoServerFixture.FreePort()}");
            Assert.Equal(ErrorCatalogue.SecretsMismatch.ExitCode, staleNode.ExitCode);
            Assert.Contains("key-group secrets", staleNode.Stderr, StringComparison.Ordinal);
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

    /// <summary>secret(group) under one master file, as docs/operations.md documents it (computed here, not by the service).</summary>
    private static byte[] GroupSecret(string masterFile, int group)
    {
        var message = new byte[22];
        "pk-group-secret-v1"u8.CopyTo(message);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(18), group);
        return HMACSHA256.HashData(File.ReadAllBytes(masterFile), message);
    }

    /// <summary>The key ID inside a signed artifact's text (docs/formats/signed-artifact-v1.md: after magic, version, purpose).</summary>
    private static string SignerOf(string artifactText)
    {
        var base64 = artifactText["PKA1.".Length..].Replace('-', '+').Replace('_', '/');
        var bytes = Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        var purposeLength = bytes[4];
        return Convert.ToHexStringLower(bytes.AsSpan(5 + purposeLength, 8));
    }

    /// <summary>Starts pk server on the test's data folder (the one server of the test: the previous one is stopped first).</summary>
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

    private string CopySecrets(string name)
    {
        var copy = Path.Combine(_root, name);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(Path.Combine(Data, "secrets")))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    private string Store(string device) => Path.Combine(_root, "devices", device);

    private string Token(string user) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, "demo.json"))).RootElement.GetProperty("users").EnumerateArray()
            .Single(u => u.GetProperty("name").GetString() == user).GetProperty("token").GetString()!;

    private async Task<List<string>> KeysAsync(string type)
    {
        var listed = await Pk.RunAsync("keys", "list", "--service", _url, "--token", Token("billing-contributor"), "--json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return [.. listed.Json.GetProperty("keys").EnumerateArray()
            .Where(k => k.GetProperty("product").GetString() == Product && k.GetProperty("type").GetString() == type)
            .Select(k => k.GetProperty("key").GetString()!)];
    }

    private async Task<string> DemoMakAsync() => (await KeysAsync("Mak")).Single();

    private async Task InstallAsync(string device, string key, params string[] trust)
    {
        var installed = await Pk.RunAsync(["ipk", key, "--product", Product, "--store", Store(device), "--service", _url, "--device-id", device, .. trust]);
        Assert.True(installed.ExitCode == 0, installed.ToString());
    }

    /// <summary>Installs <paramref name="key"/> (unless null: already installed) and activates; returns the key ID that signed the certificate.</summary>
    private async Task<string> ActivateAsync(string device, string? key, params string[] trust)
    {
        if (key is not null)
        {
            await InstallAsync(device, key, trust.Where(t => t != "--trust-on-first-use").ToArray());
        }

        var activated = await Pk.RunAsync(["ato", "--store", Store(device), "--json", .. trust.Where(t => t == "--trust-on-first-use")]);
        Assert.True(activated.ExitCode == 0, activated.ToString());
        Assert.Equal("Licensed", activated.Json.GetProperty("state").GetString());
        var stored = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Store(device), "license.json"), TestContext.Current.CancellationToken)).RootElement;
        return SignerOf(stored.GetProperty("activation").GetProperty("certificate").GetString()!);
    }

    private async Task<string> StateAsync(string device) =>
        (await Pk.RunAsync("dli", "--store", Store(device), "--json")).Json.GetProperty("state").GetString()!;
}
