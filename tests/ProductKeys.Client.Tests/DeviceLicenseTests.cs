using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests;

/// <summary>The public API a product calls, with a real publisher key and a fake hardware source.</summary>
public sealed class DeviceLicenseTests : IDisposable
{
    private const string Product = "desktop";
    private static readonly byte[] Secret = new byte[32];
    private static readonly string Mak = ProductKey.Derive(KeyType.Mak, 5, 9, Secret).ToString();

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-device-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeHardware _hardware = new();
    private readonly SigningKey _publisher = SigningKey.Generate();
    private readonly DeviceLicense _license;

    public DeviceLicenseTests()
    {
        _license = new DeviceLicense(new LicenseStore(_folder), _clock, _hardware);
        Assert.True(_license.Configure(l => l with { TrustedKeys = [_publisher.PublicKey.ToPem()] }).IsSuccess);
    }

    [Fact]
    public void Reading_the_status_of_a_store_folder_that_does_not_exist_makes_no_folder()
    {
        var missing = Path.Combine(_folder, "typo");
        var license = new DeviceLicense(new LicenseStore(missing), _clock, _hardware);

        Assert.Equal(LicenseState.Unlicensed, license.Status().Value.Status.State);
        Assert.False(Directory.Exists(missing));

        Assert.True(license.InstallKey(ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString(), "desktop").IsSuccess);
        Assert.True(Directory.Exists(missing));
    }

    [Fact]
    public void Install_then_activate_with_a_certificate_for_this_device_is_licensed()
    {
        Assert.Equal(LicenseState.InitialGrace, _license.InstallKey(Mak, Product).Value.Status.State);
        var applied = _license.ApplyCertificate(CertificateFor(CurrentHardware()));
        Assert.True(applied.IsSuccess, applied.Refusal?.ToString());
        Assert.Equal(LicenseState.Licensed, applied.Value.Status.State);
        Assert.Equal(LicenseState.Licensed, _license.Status().Value.Status.State);
    }

    [Fact]
    public void A_certificate_for_another_device_is_refused_and_changes_nothing()
    {
        _license.InstallKey(Mak, Product);
        var other = HardwareId.FromDeviceId("someone-else", Product).Value.ToString();
        var applied = _license.ApplyCertificate(CertificateFor(other));
        Assert.Equal("OFFLINE_DATA_INVALID", applied.Refusal?.Code);
        Assert.Equal(LicenseState.InitialGrace, _license.Status().Value.Status.State);
    }

    [Fact]
    public void A_certificate_for_another_key_or_on_a_setup_key_device_is_refused()
    {
        var otherMak = ProductKey.Derive(KeyType.Mak, 5, 10, Secret).ToString();
        _license.InstallKey(otherMak, Product);
        Assert.Equal("OFFLINE_DATA_INVALID", _license.ApplyCertificate(CertificateFor(CurrentHardware())).Refusal?.Code);

        _license.InstallKey(ProductKey.Derive(KeyType.Setup, 5, 0, Secret).ToString(), Product);
        Assert.Equal("SETUP_KEY_CANNOT_ACTIVATE", _license.ApplyCertificate(CertificateFor(CurrentHardware())).Refusal?.Code);
        Assert.Equal(LicenseState.InitialGrace, _license.Status().Value.Status.State);
    }

    [Fact]
    public void A_store_whose_trusted_keys_were_edited_into_garbage_is_store_invalid()
    {
        _license.InstallKey(Mak, Product);
        var path = Path.Combine(_folder, "license.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["trustedKeys"] = new JsonArray("-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----");
        File.WriteAllText(path, json.ToJsonString());
        Assert.Equal("STORE_INVALID", _license.Status().Refusal?.Code);
    }

    [Fact]
    public void A_certificate_from_an_untrusted_key_is_refused()
    {
        _license.InstallKey(Mak, Product);
        using var stranger = SigningKey.Generate();
        var text = ActivationCertificate.Issue(new ArtifactSigner(stranger, _clock), "a1", Product, "k1", Mak[^5..], CurrentHardware()).Text;
        Assert.Equal("SIGNATURE_INVALID", _license.ApplyCertificate(text).Refusal?.Code);
    }

    [Fact]
    public void A_certificate_for_another_product_is_refused()
    {
        _license.InstallKey(Mak, Product);
        var text = ActivationCertificate.Issue(new ArtifactSigner(_publisher, _clock), "a1", "server", "k1", Mak[^5..], CurrentHardware()).Text;
        Assert.Equal("OFFLINE_DATA_INVALID", _license.ApplyCertificate(text).Refusal?.Code);
    }

    [Fact]
    public void A_tampered_certificate_in_the_store_counts_for_nothing_and_the_store_is_tampered()
    {
        _license.InstallKey(Mak, Product);
        _license.ApplyCertificate(CertificateFor(CurrentHardware()));
        var path = Path.Combine(_folder, "license.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        var certificate = json["activation"]!["certificate"]!.GetValue<string>();
        json["activation"]!["certificate"] = certificate[..^3] + (certificate[^3] == 'A' ? 'B' : 'A') + certificate[^2..];
        File.WriteAllText(path, json.ToJsonString());

        var report = _license.Status().Value;
        Assert.Equal(ActivationCheck.Invalid, report.Check);
        Assert.Equal(LicenseState.Notification, report.Status.State);
        Assert.Equal("STORE_TAMPERED", report.Status.Code);
    }

    [Fact]
    public void A_significant_hardware_change_moves_to_out_of_tolerance_grace_and_reactivation_fixes_it()
    {
        _license.InstallKey(Mak, Product);
        _license.ApplyCertificate(CertificateFor(CurrentHardware()));
        _hardware.Components = _hardware.Components with { BoardSerial = "board-2", DiskSerials = ["disk-2"] };

        var report = _license.Status().Value;
        Assert.Equal(ActivationCheck.HardwareChanged, report.Check);
        Assert.Equal(LicenseState.OutOfToleranceGrace, report.Status.State);
        Assert.Equal(_clock.GetUtcNow().AddDays(30), report.Status.GraceEnds);

        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(LicenseState.Notification, _license.Status().Value.Status.State);
        Assert.Equal(LicenseState.Licensed, _license.ApplyCertificate(CertificateFor(CurrentHardware())).Value.Status.State);
    }

    [Fact]
    public void A_new_network_adapter_keeps_the_device_licensed()
    {
        _license.InstallKey(Mak, Product);
        _license.ApplyCertificate(CertificateFor(CurrentHardware()));
        _hardware.Components = _hardware.Components with { NetworkAdapters = ["66:77:88:99:aa:bb"] };
        Assert.Equal(LicenseState.Licensed, _license.Status().Value.Status.State);
    }

    [Fact]
    public void Uninstall_makes_the_device_unlicensed_and_reinstall_does_not_restart_grace()
    {
        _license.InstallKey(Mak, Product);
        _clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal(LicenseState.Unlicensed, _license.UninstallKey().Value.Status.State);
        var again = _license.InstallKey(Mak, Product).Value.Status;
        Assert.Equal(_clock.GetUtcNow().AddDays(20), again.GraceEnds);
    }

    [Fact]
    public void Rearm_restarts_grace_three_times_then_refuses()
    {
        _license.InstallKey(Mak, Product);
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromDays(29));
            var rearmed = _license.Rearm().Value.Status;
            Assert.Equal(_clock.GetUtcNow().AddDays(30), rearmed.GraceEnds);
        }

        Assert.Equal("REARM_LIMIT_REACHED", _license.Rearm().Refusal?.Code);
    }

    [Fact]
    public void Kms_host_keys_and_typos_are_refused_at_install()
    {
        Assert.Equal("KEY_WRONG_USE", _license.InstallKey(ProductKey.Derive(KeyType.KmsHost, 5, 1, Secret).ToString(), Product).Refusal?.Code);
        Assert.Equal("KEY_CHECKSUM", _license.InstallKey(Mak[..^1] + (Mak[^1] == 'B' ? 'C' : 'B'), Product).Refusal?.Code);
        Assert.Equal(LicenseState.Unlicensed, _license.Status().Value.Status.State);
    }

    [Fact]
    public void An_operator_device_id_replaces_hardware_components()
    {
        _license.Configure(l => l with { DeviceId = "container-42" });
        _license.InstallKey(Mak, Product);
        var id = _license.CurrentHardwareId().Value;
        Assert.True(id.IsDeviceId);
        _license.ApplyCertificate(CertificateFor(id.ToString()));
        // Every component but the machine-id the store is sealed to (a machine-id of its own is another machine).
        _hardware.Components = HardwareComponents.Empty with { MachineId = _hardware.Components.MachineId };
        Assert.Equal(LicenseState.Licensed, _license.Status().Value.Status.State);
    }

    public void Dispose()
    {
        _publisher.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string CurrentHardware() => _license.CurrentHardwareId().Value.ToString();

    private string CertificateFor(string hardwareId) =>
        ActivationCertificate.Issue(new ArtifactSigner(_publisher, _clock), "act-1", Product, "key-1", Mak[^5..], hardwareId).Text;
}
