using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests;

/// <summary>
/// A hostile review: a user who licensed the publisher's cheap product copied its store folder over the
/// expensive product's (same machine, so the seal verifies; or a shared <c>StoreDirectory</c>). The
/// expensive product's <see cref="ProductLicense"/> read the cheap product's activation as its own: Licensed.
/// </summary>
public sealed class OtherProductStoreTests : IDisposable
{
    private const string Cheap = "contoso-basic";
    private const string Expensive = "contoso-desktop";
    private static readonly string Mak = ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString();
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-other-product-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly SigningKey _publisher = SigningKey.Generate();
    private readonly CountingHandler _network = new();

    [Fact]
    public void A_store_activated_for_another_product_is_not_Licensed_and_says_why_with_a_code()
    {
        ActivateCheapProductInTheFolder();

        using var license = Open(Expensive);
        var status = license.Status();

        Assert.NotEqual(LicenseState.Licensed, status.State);
        Assert.Equal("KEY_NOT_FOR_PRODUCT", status.Code);
        Assert.Contains(Cheap, status.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\bpk\b|'|/|KEY_NOT_FOR_PRODUCT", status.Message);
        Assert.Contains(_folder, status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activating_refuses_the_other_products_key_before_anything_goes_on_the_network()
    {
        var device = CheapDevice();
        device.InstallKey(Mak, Cheap);

        using var license = Open(Expensive);
        var activated = await license.ActivateAsync(TestContext.Current.CancellationToken);

        Assert.Equal("KEY_NOT_FOR_PRODUCT", activated.Refusal?.Code);
        Assert.Equal(0, _network.Requests);
    }

    [Fact]
    public void Installing_this_products_key_replaces_the_other_products_and_starts_no_new_grace()
    {
        ActivateCheapProductInTheFolder();

        using var license = Open(Expensive);
        var installed = license.InstallKey(Mak);

        Assert.True(installed.IsSuccess, installed.Refusal?.ToString());
        Assert.Equal(LicenseState.InitialGrace, installed.Value.State);
        Assert.Equal(Expensive, license.Status().ProductId);
        Assert.Equal(LicenseState.InitialGrace, license.Status().State);
    }

    public void Dispose()
    {
        _network.Dispose();
        _publisher.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private void ActivateCheapProductInTheFolder()
    {
        var device = CheapDevice();
        device.InstallKey(Mak, Cheap);
        var certificate = ActivationCertificate.Issue(new ArtifactSigner(_publisher, _clock), "a1", Cheap, "k1", Mak[^5..], device.CurrentHardwareId().Value.ToString());
        Assert.Equal(LicenseState.Licensed, device.ApplyCertificate(certificate.Text).Value.Status.State);
    }

    // The cheap product's own license, on this machine (the store is sealed to it) and with the same device ID.
    private DeviceLicense CheapDevice()
    {
        var device = new DeviceLicense(new LicenseStore(_folder), _clock, HardwareSource.ForCurrentPlatform(), new TrustedKeySet([_publisher.PublicKey]));
        device.Configure(l => l with { DeviceId = "device-1", ServiceUrl = new Uri("http://licensing.test/") });
        return device;
    }

    private ProductLicense Open(string product) => new(new ProductLicenseOptions
    {
        ProductId = product,
        PublisherKeys = _publisher.PublicKey.ToPem(),
        StoreDirectory = _folder,
        DeviceId = "device-1",
        ServiceUrl = new Uri("http://licensing.test/"),
        HttpClient = new HttpClient(_network, disposeHandler: false),
        TimeProvider = _clock,
    });

    /// <summary>Counts what would have gone to the service; answers nothing useful.</summary>
    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable));
        }
    }
}
