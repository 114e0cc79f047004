using ProductKeys.Core.Errors;
using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Cli.Tests;

/// <summary>Device commands that need no service, through the real binaries: pk and the Native AOT pk-device.</summary>
public abstract class DeviceCommandTests : IDisposable
{
    private const string Mak = "G6397-BF377-H68MT-8Q93J-3XTY9";
    private readonly string _store = Directory.CreateTempSubdirectory("pk-cli-store-").FullName;

    [Fact]
    public async Task Install_status_expiry_rearm_and_uninstall_a_key()
    {
        var installed = await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", _store, "--device-id", "test-device", "--json");
        Assert.Equal(0, installed.ExitCode);
        Assert.Equal("InitialGrace", installed.Json.GetProperty("state").GetString());

        var status = await Device.RunAsync("dli", "--store", _store, "--json");
        Assert.Equal("Mak", status.Json.GetProperty("keyType").GetString());
        Assert.Equal("3XTY9", status.Json.GetProperty("partialKey").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, status.Json.GetProperty("expires").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.String, status.Json.GetProperty("graceEnds").ValueKind);
        Assert.True(status.Json.TryGetProperty("kmsHost", out _));

        var verbose = await Device.RunAsync("dlv", "--store", _store);
        Assert.Contains("Hardware ID:", verbose.Stdout, StringComparison.Ordinal);
        Assert.Contains("Rearms left:      3", verbose.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, (await Device.RunAsync("xpr", "--store", _store)).ExitCode);
        Assert.Equal(2, (await Device.RunAsync("rearm", "--store", _store, "--json")).Json.GetProperty("rearmsLeft").GetInt32());

        var pinned = await Device.RunAsync("skms", "kms.corp.example", "--store", _store, "--json");
        Assert.Equal("kms.corp.example:16880", pinned.Json.GetProperty("kmsHost").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await Device.RunAsync("ckms", "--store", _store, "--json")).Json.GetProperty("kmsHost").ValueKind);

        Assert.Equal("Unlicensed", (await Device.RunAsync("upk", "--store", _store, "--json")).Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_license_store_that_holds_the_key_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Equal(0, (await Pk.RunAsync("ipk", Mak, "--product", "desktop", "--store", _store, "--device-id", "test-device")).ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_store, "license.json")));
        Assert.Equal(0, (await Pk.RunAsync("rearm", "--store", _store)).ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_store, "license.json")));
    }

    [Fact]
    public async Task A_mistyped_key_is_refused_and_nothing_is_installed()
    {
        var result = await Device.RunAsync("ipk", "C6397-BF377-H68MT-8Q93J-3XTY9", "--product", "desktop", "--store", _store);
        Assert.Equal(11, result.ExitCode);
        Assert.Contains("KEY_CHECKSUM", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("Unlicensed", (await Device.RunAsync("dli", "--store", _store, "--json")).Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Dli_as_JSON_carries_the_service_and_hardware_ID_as_dlv_does()
    {
        // 'pk dli --field service' printed an empty line, exit 0, for a store that has a service (found by a new user's walkthrough).
        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", _store, "--device-id", "dev-1", "--service", "http://127.0.0.1:9")).ExitCode);

        var service = await Device.RunAsync("dli", "--store", _store, "--field", "service");
        var dli = (await Device.RunAsync("dli", "--store", _store, "--json")).Json;
        var dlv = (await Device.RunAsync("dlv", "--store", _store, "--json")).Json;

        Assert.Equal("http://127.0.0.1:9/", service.Stdout.Trim());
        Assert.Equal(dlv.GetProperty("hardwareId").GetString(), dli.GetProperty("hardwareId").GetString());
        Assert.NotNull(dli.GetProperty("hardwareId").GetString());
    }

    [Fact]
    public async Task A_setup_key_cannot_activate()
    {
        await Device.RunAsync("ipk", "F7QPR-3HFDG-YRFDH-HMCMP-BGJGH", "--product", "desktop", "--store", _store, "--service", "http://127.0.0.1:9");
        var result = await Device.RunAsync("ato", "--store", _store, "--trust-on-first-use", "--json");
        Assert.Equal("SETUP_KEY_CANNOT_ACTIVATE", result.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(16, result.ExitCode);
    }

    [Fact]
    public async Task Activation_against_an_unreachable_service_says_so()
    {
        await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", _store, "--service", "http://127.0.0.1:9");
        var result = await Device.RunAsync("ato", "--store", _store, "--trust-on-first-use", "--json");
        Assert.Equal("SERVICE_UNREACHABLE", result.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_response_file_that_is_not_json_is_offline_data_invalid()
    {
        await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", _store);
        var file = Path.Combine(_store, "garbage.json");
        File.WriteAllText(file, "not json at all");
        var result = await Device.RunAsync("atp", file, "--store", _store, "--json");
        Assert.Equal("OFFLINE_DATA_INVALID", result.Json.GetProperty("error").GetProperty("code").GetString());
    }

    protected abstract DeviceProgram Device { get; }

    [Fact]
    public async Task Ato_on_a_store_that_trusts_no_key_says_what_to_do_and_contacts_nobody()
    {
        await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", _store, "--service", "http://127.0.0.1:9");
        var result = await Device.RunAsync("ato", "--store", _store);
        Assert.Equal(40, result.ExitCode);
        Assert.Contains("VALIDATION_FAILED", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--trust-on-first-use", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("pk publisher-keys export", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("/etc/productkeys/trust", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edited_store_is_Notification_with_STORE_TAMPERED_not_a_fresh_grace()
    {
        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", _store, "--device-id", "tamper-device")).ExitCode);
        var path = Path.Combine(_store, "license.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        json["graceStartedAt"] = "2099-01-01T00:00:00+00:00";
        File.WriteAllText(path, json.ToJsonString());

        var status = await Device.RunAsync("dli", "--store", _store, "--json");
        Assert.Equal("Notification", status.Json.GetProperty("state").GetString());
        Assert.Equal("STORE_TAMPERED", status.Json.GetProperty("code").GetString());
        Assert.Equal("Notification", (await Device.RunAsync("dli", "--store", _store, "--json")).Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Another_publishers_keys_and_activation_written_into_the_store_are_not_Licensed()
    {
        Assert.Equal(0, (await Device.RunAsync("ipk", Mak, "--product", "desktop", "--store", _store, "--device-id", "attack-device")).ExitCode);
        var hardwareId = (await Device.RunAsync("dlv", "--store", _store, "--json")).Json.GetProperty("hardwareId").GetString()!;

        // What a second 'pk server --demo' would hand out: its key, and an activation it signed for this device.
        using var attacker = Core.Signing.SigningKey.Generate();
        var certificate = Core.Certificates.ActivationCertificate.Issue(
            new Core.Signing.ArtifactSigner(attacker, TimeProvider.System), "act-attack", "desktop", "key-attack", Mak[^5..], hardwareId).Text;
        var path = Path.Combine(_store, "license.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        json["trustedKeys"] = new System.Text.Json.Nodes.JsonArray(attacker.PublicKey.ToPem());
        json["activation"] = new System.Text.Json.Nodes.JsonObject
        {
            ["kind"] = "Mak",
            ["activationId"] = "act-attack",
            ["certificate"] = certificate,
            ["hardwareId"] = hardwareId,
            ["activatedAt"] = "2026-01-01T00:00:00+00:00",
        };
        File.WriteAllText(path, json.ToJsonString());

        var status = await Device.RunAsync("dlv", "--store", _store, "--json");
        Assert.Equal("Notification", status.Json.GetProperty("state").GetString());
        Assert.Equal("STORE_TAMPERED", status.Json.GetProperty("code").GetString());
        Assert.Contains("SIGNATURE_INVALID", status.Json.GetProperty("activationCheck").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trust_directory_writable_by_others_is_refused_with_TRUST_DIR_UNSAFE()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions; on Windows the directory's ACLs are the operator's.
        }

        var trust = Directory.CreateTempSubdirectory("pk-trust-").FullName;
        try
        {
            using (var key = Core.Signing.SigningKey.Generate())
            {
                File.WriteAllText(Path.Combine(trust, "publisher.pem"), key.PublicKey.ToPem());
            }

            File.SetUnixFileMode(trust, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var environment = new Dictionary<string, string> { ["PK_TRUST_DIR"] = trust };
            Assert.Equal(0, (await Device.RunAsync(environment, "ipk", Mak, "--product", "desktop", "--store", _store)).ExitCode);

            File.SetUnixFileMode(trust, File.GetUnixFileMode(trust) | UnixFileMode.OtherWrite);
            var refused = await Device.RunAsync(environment, "dli", "--store", _store, "--json");
            Assert.Equal(ErrorCatalogue.TrustDirUnsafe.ExitCode, refused.ExitCode);
            Assert.Equal("TRUST_DIR_UNSAFE", refused.Json.GetProperty("error").GetProperty("code").GetString());
        }
        finally
        {
            Directory.Delete(trust, recursive: true);
        }
    }

    public void Dispose()
    {
        Directory.Delete(_store, recursive: true);
        GC.SuppressFinalize(this);
    }

    public sealed class WithPk : DeviceCommandTests
    {
        protected override DeviceProgram Device => DeviceProgram.Pk;
    }

    public sealed class WithPkDevice : DeviceCommandTests
    {
        protected override DeviceProgram Device => DeviceProgram.Native;
    }
}
