using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests;

/// <summary>
/// A store holding values at the ends of their types' ranges (a hostile review: a clock mark of
/// 9999-12-31 or a monotonic reference of long.MinValue made every command INTERNAL_ERROR and
/// ProductLicense.Status() throw). Every member is tried with every extreme, edited (the MAC fails)
/// and re-sealed (someone who recomputed the MAC): each call answers, none throws.
/// </summary>
public sealed class StoreExtremeValueTests : IDisposable
{
    private const string Product = "desktop";
    private static readonly string Mak = ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString();
    private static readonly string KmsClientKey = ProductKey.Derive(KeyType.KmsClientSetup, 5, 1, new byte[32]).ToString();

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-extreme-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeHardware _hardware = new();
    private readonly SigningKey _publisher = SigningKey.Generate();

    public static TheoryData<string, string> Extremes()
    {
        var data = new TheoryData<string, string>();
        string[] times = ["\"9999-12-31T23:59:59+00:00\"", "\"9999-12-31T23:59:59.9999999+00:00\"", "\"0001-01-01T00:00:00+00:00\""];
        foreach (var member in new[] { "clockHighWater", "installedAt", "graceStartedAt", "limitedGraceStartedAt", "outOfToleranceSince", "nextRenewalDue", "activation.activatedAt", "activation.expires" })
        {
            foreach (var time in times)
            {
                data.Add(member, time);
            }
        }

        foreach (var value in new[] { long.MinValue, long.MaxValue, -1L })
        {
            data.Add("clockMonotonicMs", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var value in new[] { int.MinValue, int.MaxValue, -1 })
        {
            data.Add("rearmsUsed", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var member in new[] { "kmsRenewalInterval", "kmsRetryInterval" })
        {
            data.Add(member, "\"10675199.02:48:05.4775807\"");
            data.Add(member, "\"-10675199.02:48:05.4775808\"");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Extremes))]
    public void An_activated_store_with_an_extreme_value_answers_every_call_and_an_edit_is_STORE_TAMPERED(string member, string value)
    {
        var license = Activated();

        Write(member, value, reseal: false, license);
        var edited = license.Status();
        Assert.True(edited.IsSuccess, edited.Refusal?.ToString());
        Assert.Equal("STORE_TAMPERED", edited.Value.Status.Code);
        Assert.Equal(LicenseState.Notification, edited.Value.Status.State);
        EveryCallAnswers(license);

        Write(member, value, reseal: true, Activated());
        EveryCallAnswers(license);
    }

    [Theory]
    [MemberData(nameof(Extremes))]
    public void A_KMS_client_store_in_grace_with_an_extreme_value_answers_every_call(string member, string value)
    {
        var license = Pinned();
        Assert.True(license.InstallKey(KmsClientKey, Product).IsSuccess);
        Write(member, value, reseal: true, license);
        EveryCallAnswers(license);
    }

    public void Dispose()
    {
        _publisher.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private void EveryCallAnswers(DeviceLicense license)
    {
        // Each call returns a state or a refusal; an exception fails the test.
        _ = license.Status();
        _ = license.Rearm();
        _ = license.Status();
        using (var http = new HttpClient())
        using (var product = new ProductLicense(new ProductLicenseOptions
        {
            ProductId = Product,
            PublisherKeys = _publisher.PublicKey.ToPem(),
            StoreDirectory = _folder,
            TimeProvider = _clock,
            HttpClient = http,
        }))
        {
            var status = product.Status();
            Assert.NotNull(status.Message);
        }

        _clock.Advance(TimeSpan.FromDays(45));
        _ = license.Status();
        _ = license.UninstallKey();
        _ = license.InstallKey(Mak, Product);
        _ = license.Status();
    }

    private DeviceLicense Pinned()
    {
        if (File.Exists(Path.Combine(_folder, "license.json")))
        {
            File.Delete(Path.Combine(_folder, "license.json"));
        }

        var license = new DeviceLicense(new LicenseStore(_folder), _clock, _hardware);
        Assert.True(license.Configure(l => l with { TrustedKeys = [_publisher.PublicKey.ToPem()] }).IsSuccess);
        return license;
    }

    private DeviceLicense Activated()
    {
        var license = Pinned();
        Assert.True(license.InstallKey(Mak, Product).IsSuccess);
        var hardwareId = license.CurrentHardwareId().Value.ToString();
        var certificate = ActivationCertificate.Issue(new ArtifactSigner(_publisher, _clock), "act-1", Product, "key-1", Mak[^5..], hardwareId).Text;
        var applied = license.ApplyCertificate(certificate);
        Assert.Equal(LicenseState.Licensed, applied.Value.Status.State);
        // The monotonic reference belongs to the current boot, so the clock mark is advanced from it.
        Assert.Equal("time-provider", applied.Value.Stored.ClockBootId);
        return license;
    }

    /// <summary>Sets a member (a.b for a nested one) to a JSON value; re-sealed as ProductKeys would write it, or left edited.</summary>
    private void Write(string member, string value, bool reseal, DeviceLicense license)
    {
        var path = Path.Combine(_folder, "license.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var parts = member.Split('.');
        var target = parts.Length == 2 ? json[parts[0]]?.AsObject() ?? new JsonObject() : json;
        if (parts.Length == 2 && json[parts[0]] is null)
        {
            return; // no activation in this store: nothing to set
        }

        target[parts[^1]] = JsonNode.Parse(value);
        if (!reseal)
        {
            File.WriteAllText(path, json.ToJsonString());
            return;
        }

        var stored = JsonSerializer.Deserialize(json.ToJsonString(), LicenseStoreJsonContext.Default.StoredLicense)!;
        Assert.Null(license.Store.Save(license.Seal(stored)));
        Assert.NotEqual("STORE_TAMPERED", license.Status().Value.Status.Code);
    }
}
