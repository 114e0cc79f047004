using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests;

/// <summary>Issue 13 item 1: a store that cannot be talked into Licensed, or back into a fresh grace (ADR 0019).</summary>
public sealed class StoreSealTests : IDisposable
{
    private const string Product = "desktop";
    private static readonly byte[] Secret = new byte[32];
    private static readonly string Mak = ProductKey.Derive(KeyType.Mak, 5, 9, Secret).ToString();

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-seal-").FullName;
    private readonly string _attackerFolder = Directory.CreateTempSubdirectory("pk-seal-attacker-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeHardware _hardware = new();
    private readonly SigningKey _publisher = SigningKey.Generate();
    private readonly SigningKey _attacker = SigningKey.Generate();

    private string StorePath => Path.Combine(_folder, "license.json");

    [Fact]
    public void Another_servers_trusted_keys_and_activation_copied_into_the_store_are_not_Licensed()
    {
        var real = Pinned(_folder, _publisher);
        Assert.True(real.InstallKey(Mak, Product).IsSuccess);

        // The attacker activates the same key on their own server, for this device, then copies its pin and activation over.
        var fake = Pinned(_attackerFolder, _attacker);
        fake.InstallKey(Mak, Product);
        var applied = fake.ApplyCertificate(Certificate(_attacker, fake.CurrentHardwareId().Value.ToString()));
        Assert.Equal(LicenseState.Licensed, applied.Value.Status.State);
        var stolen = JsonNode.Parse(File.ReadAllText(Path.Combine(_attackerFolder, "license.json")))!;
        var json = JsonNode.Parse(File.ReadAllText(StorePath))!;
        json["trustedKeys"] = stolen["trustedKeys"]!.DeepClone();
        json["activation"] = stolen["activation"]!.DeepClone();
        File.WriteAllText(StorePath, json.ToJsonString());

        var report = real.Status().Value;
        Assert.NotEqual(LicenseState.Licensed, report.Status.State);
        Assert.Equal(LicenseState.Notification, report.Status.State);
        Assert.Equal("STORE_TAMPERED", report.Status.Code);
        Assert.Equal(ActivationCheck.Invalid, report.Check);
        Assert.Contains("SIGNATURE_INVALID", report.CheckDetail, StringComparison.Ordinal);
        Assert.Empty(report.Stored.TrustedKeys);
    }

    [Fact]
    public void Editing_grace_and_rearms_of_an_expired_device_gives_STORE_TAMPERED_not_a_fresh_grace()
    {
        var license = Pinned(_folder, _publisher);
        license.InstallKey(Mak, Product);
        _clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(LicenseState.Notification, license.Status().Value.Status.State);

        var json = JsonNode.Parse(File.ReadAllText(StorePath))!;
        json["graceStartedAt"] = _clock.GetUtcNow().ToString("O");
        json["installedAt"] = _clock.GetUtcNow().ToString("O");
        json["rearmsUsed"] = 0;
        File.WriteAllText(StorePath, json.ToJsonString());

        var status = license.Status().Value.Status;
        Assert.Equal(LicenseState.Notification, status.State);
        Assert.Equal("STORE_TAMPERED", status.Code);
        // Sticky: the next read, and a reinstall or rearm, do not bring grace back.
        Assert.Equal("STORE_TAMPERED", license.Status().Value.Status.Code);
        Assert.Equal(LicenseState.Notification, license.InstallKey(Mak, Product).Value.Status.State);
        Assert.Equal(LicenseState.Notification, license.Rearm().Value.Status.State);

        // The way out: pin the publisher's keys again explicitly and activate; a verified activation clears it.
        license.Configure(l => l with { TrustedKeys = [_publisher.PublicKey.ToPem()] });
        var activated = license.ApplyCertificate(Certificate(_publisher, license.CurrentHardwareId().Value.ToString()));
        Assert.Equal(LicenseState.Licensed, activated.Value.Status.State);
        Assert.Null(activated.Value.Status.Code);
    }

    [Fact]
    public void A_store_copied_to_another_machine_is_tampered()
    {
        var license = Pinned(_folder, _publisher);
        license.InstallKey(Mak, Product);
        var otherMachine = new FakeHardware();
        otherMachine.Components = otherMachine.Components with { MachineId = "machine-2" };
        var copied = new DeviceLicense(new LicenseStore(_folder), _clock, otherMachine);
        Assert.Equal("STORE_TAMPERED", copied.Status().Value.Status.Code);
    }

    [Fact]
    public void An_unsealed_v1_store_is_read_once_without_its_pins_and_sealed_on_save()
    {
        File.WriteAllText(StorePath, $$"""
            { "formatVersion": 1, "productId": "{{Product}}", "key": "{{Mak}}", "keyType": "Mak",
              "trustedKeys": [ {{System.Text.Json.JsonSerializer.Serialize(_attacker.PublicKey.ToPem())}} ],
              "installedAt": "2026-02-20T00:00:00+00:00", "graceStartedAt": "2026-02-20T00:00:00+00:00", "rearmsUsed": 1 }
            """);
        var license = new DeviceLicense(new LicenseStore(_folder), _clock, _hardware);
        var report = license.Status().Value;
        Assert.Equal(LicenseState.InitialGrace, report.Status.State);
        Assert.Null(report.Status.Code);
        Assert.Empty(report.Stored.TrustedKeys);
        var written = JsonNode.Parse(File.ReadAllText(StorePath))!;
        Assert.Equal(3, written["formatVersion"]!.GetValue<int>());
        Assert.Equal(64, written["mac"]!.GetValue<string>().Length);
        Assert.Equal(1, written["rearmsUsed"]!.GetValue<int>());
        Assert.Null(license.Status().Value.Status.Code);
    }

    [Fact]
    public void The_mac_matches_the_documented_test_vector()
    {
        // docs/formats/license-store-v3.md, "Test vector".
        var key = StoreSeal.DeriveKey("machine-id:vector-machine", "vector-device", "vector-product");
        var sealedLicense = StoreSeal.Seal(VectorLicense, key);
        Assert.Equal(VectorKey, Convert.ToHexStringLower(key));
        Assert.Equal(3, sealedLicense.FormatVersion);
        Assert.Equal(VectorMac, sealedLicense.Mac);
        Assert.True(StoreSeal.Verify(sealedLicense, key));
        Assert.False(StoreSeal.Verify(sealedLicense with { RearmsUsed = 0 }, key));
    }

    [Fact]
    public void The_v2_mac_still_matches_its_documented_test_vector()
    {
        // docs/formats/license-store-v2.md, "Test vector": how v2 stores are read for the upgrade.
        var key = StoreSeal.DeriveKeyV2("device-id:vector-device", "vector-product");
        var v2 = VectorLicense with { FormatVersion = 2 };
        Assert.Equal(VectorKeyV2, Convert.ToHexStringLower(key));
        Assert.Equal(VectorMacV2, StoreSeal.Compute(v2, key));
        Assert.True(StoreSeal.Verify(v2 with { Mac = VectorMacV2 }, key));
    }

    [Fact]
    public void A_store_with_a_device_id_copied_to_another_machine_is_tampered()
    {
        var license = Pinned(_folder, _publisher);
        Assert.True(license.Configure(l => l with { DeviceId = "container-7" }).IsSuccess);
        license.InstallKey(Mak, Product);
        Assert.Equal(LicenseState.Licensed, license.ApplyCertificate(Certificate(_publisher, license.CurrentHardwareId().Value.ToString())).Value.Status.State);

        var otherMachine = new FakeHardware();
        otherMachine.Components = otherMachine.Components with { MachineId = "machine-2" };
        var copied = new DeviceLicense(new LicenseStore(_folder), _clock, otherMachine).Status().Value;
        Assert.Equal("STORE_TAMPERED", copied.Status.Code);
        Assert.Equal(LicenseState.Notification, copied.Status.State);
        // The device ID (and so the hardware ID the service counts) is kept: activating again on this
        // machine is a re-activation of the same device, which the service sees.
        Assert.Equal("container-7", copied.Stored.DeviceId);
    }

    [Fact]
    public void A_store_with_a_device_id_copied_to_another_machine_is_not_Licensed_under_the_products_embedded_keys()
    {
        // What ProductLicense does: the publisher's keys come from the product, not from the store.
        var anchors = new TrustedKeySet(_publisher.PublicKey);
        var license = new DeviceLicense(new LicenseStore(_folder), _clock, _hardware, anchors);
        Assert.True(license.Configure(l => l with { DeviceId = "container-7" }).IsSuccess);
        license.InstallKey(Mak, Product);
        Assert.Equal(LicenseState.Licensed, license.ApplyCertificate(Certificate(_publisher, license.CurrentHardwareId().Value.ToString())).Value.Status.State);

        var otherMachine = new FakeHardware();
        otherMachine.Components = otherMachine.Components with { MachineId = "machine-2", ProductUuid = "uuid-2", BoardSerial = "board-2" };
        var onOtherMachine = new DeviceLicense(new LicenseStore(_folder), _clock, otherMachine, anchors);
        var copied = onOtherMachine.Status().Value;
        Assert.Equal("STORE_TAMPERED", copied.Status.Code);
        Assert.Equal(LicenseState.Notification, copied.Status.State);

        // The way out is an activation there, for the same device ID: the service sees the re-activation.
        var activated = onOtherMachine.ApplyCertificate(Certificate(_publisher, onOtherMachine.CurrentHardwareId().Value.ToString())).Value.Status;
        Assert.Equal(LicenseState.Licensed, activated.State);
        Assert.Null(activated.Code);
    }

    [Fact]
    public void A_v2_store_is_read_once_under_its_old_key_and_sealed_as_v3_bound_to_this_machine()
    {
        var v2 = new StoredLicense
        {
            FormatVersion = 2,
            ProductId = Product,
            DeviceId = "container-7",
            Key = Mak,
            KeyType = KeyType.Mak,
            TrustedKeys = [_publisher.PublicKey.ToPem()],
            InstalledAt = _clock.GetUtcNow(),
            GraceStartedAt = _clock.GetUtcNow(),
        };
        var store = new LicenseStore(_folder);
        Assert.Null(store.Save(v2 with { Mac = StoreSeal.Compute(v2, StoreSeal.DeriveKeyV2("device-id:container-7", Product)) }));

        var license = new DeviceLicense(store, _clock, _hardware);
        var report = license.Status().Value;
        Assert.Null(report.Status.Code);
        Assert.Equal(LicenseState.InitialGrace, report.Status.State);
        Assert.Single(report.Stored.TrustedKeys);
        Assert.Equal(3, JsonNode.Parse(File.ReadAllText(StorePath))!["formatVersion"]!.GetValue<int>());
        Assert.Null(license.Status().Value.Status.Code);

        var otherMachine = new FakeHardware();
        otherMachine.Components = otherMachine.Components with { MachineId = "machine-2" };
        Assert.Equal("STORE_TAMPERED", new DeviceLicense(store, _clock, otherMachine).Status().Value.Status.Code);
    }

    [Fact]
    public void On_a_machine_without_a_machine_id_a_store_root_wrote_reads_the_same_for_its_user_and_back()
    {
        // No /etc/machine-id: root reads the DMI product UUID and board serial, an ordinary user reads neither.
        var asRoot = new FakeHardware();
        asRoot.Components = asRoot.Components with { MachineId = null };
        var asUser = new FakeHardware();
        asUser.Components = asUser.Components with { MachineId = null, ProductUuid = null, BoardSerial = null };
        var anchors = new TrustedKeySet(_publisher.PublicKey);
        var installScript = new DeviceLicense(new LicenseStore(_folder), _clock, asRoot, anchors);
        Assert.True(installScript.Configure(l => l with { DeviceId = "kiosk-1" }).IsSuccess);
        installScript.InstallKey(Mak, Product);
        Assert.Equal(LicenseState.Licensed,
            installScript.ApplyCertificate(Certificate(_publisher, installScript.CurrentHardwareId().Value.ToString())).Value.Status.State);

        var product = new DeviceLicense(new LicenseStore(_folder), _clock, asUser, anchors);
        var read = product.Status().Value.Status;
        Assert.Null(read.Code);
        Assert.Equal(LicenseState.Licensed, read.State);

        // And back: root reading the store its user wrote (sudo pk dli) neither marks it tampered nor ends its grace.
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Null(product.Rearm().Refusal);
        var again = installScript.Status().Value.Status;
        Assert.Null(again.Code);
        Assert.Equal(LicenseState.Licensed, again.State);
        Assert.Equal(LicenseState.Licensed, product.Status().Value.Status.State);
    }

    [Fact]
    public void A_store_root_sealed_under_the_product_UUID_before_is_read_once_under_it_and_sealed_again()
    {
        var asRoot = new FakeHardware();
        asRoot.Components = asRoot.Components with { MachineId = null };
        var unsealed = new StoredLicense
        {
            FormatVersion = StoreSeal.Version,
            ProductId = Product,
            DeviceId = "kiosk-1",
            Key = Mak,
            KeyType = KeyType.Mak,
            InstalledAt = _clock.GetUtcNow(),
            GraceStartedAt = _clock.GetUtcNow(),
        };
        var store = new LicenseStore(_folder);
        Assert.Null(store.Save(StoreSeal.Seal(unsealed, StoreSeal.DeriveKey("product-uuid:uuid-1", "kiosk-1", Product))));

        var report = new DeviceLicense(store, _clock, asRoot).Status().Value;
        Assert.Null(report.Status.Code);
        Assert.Equal(LicenseState.InitialGrace, report.Status.State);
        Assert.True(StoreSeal.Verify(report.Stored, StoreSeal.DeriveKey("none:", "kiosk-1", Product)));
    }

    [Fact]
    public void Product_trust_anchors_ignore_keys_pinned_in_a_sealed_store()
    {
        var pinnedByAttacker = Pinned(_folder, _attacker);
        pinnedByAttacker.InstallKey(Mak, Product);
        var product = new DeviceLicense(new LicenseStore(_folder), _clock, _hardware, new TrustedKeySet(_publisher.PublicKey));
        var applied = product.ApplyCertificate(Certificate(_attacker, product.CurrentHardwareId().Value.ToString()));
        Assert.Equal("SIGNATURE_INVALID", applied.Refusal?.Code);
    }

    public void Dispose()
    {
        _publisher.Dispose();
        _attacker.Dispose();
        Directory.Delete(_folder, recursive: true);
        Directory.Delete(_attackerFolder, recursive: true);
    }

    internal const string VectorKey = "208d6ba74065a2bbc1aa61eafb4d13dab28747ce921e22464637f13b358e57b0";
    internal const string VectorMac = "3a1cf3f7ccf3623e606a05bc2c0b12fcc8e450db59e75d803e49c3a2df6dcd98";
    internal const string VectorKeyV2 = "07f83adcb60e75f6a80f9e8f4f2e4e43dd947143d8fa82e7e6ede53f47352503";
    internal const string VectorMacV2 = "84c8c15797add50e674cb28b820e9ad6eb16ac78439767e2127b6220853ce88b";

    private static StoredLicense VectorLicense => new()
    {
        ProductId = "vector-product",
        DeviceId = "vector-device",
        InstalledAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        GraceStartedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        RearmsUsed = 1,
    };

    private DeviceLicense Pinned(string folder, SigningKey publisher)
    {
        var license = new DeviceLicense(new LicenseStore(folder), _clock, _hardware);
        Assert.True(license.Configure(l => l with { TrustedKeys = [publisher.PublicKey.ToPem()] }).IsSuccess);
        return license;
    }

    private string Certificate(SigningKey key, string hardwareId) =>
        ActivationCertificate.Issue(new ArtifactSigner(key, _clock), "act-1", Product, "key-1", Mak[^5..], hardwareId).Text;
}
