using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Renewal;
using ProductKeys.Client.Store;
using ProductKeys.Client.Tests.Kms;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests.Renewal;

/// <summary>
/// A hostile review of two writers on one store: the renewal pass (the product's loop, or 'pk agent') tries the
/// installed key; while its request is out, the user installs another key (the product's InstallKey, 'pk ipk'), which
/// makes the next attempt due at once (ADR 0012). The pass then failed and wrote the old key's retry time over that:
/// 7 days for a key the service refused for good, so the new key was not tried for a week.
/// </summary>
public sealed class KeyReplacedDuringAttemptTests : IDisposable
{
    private const string Product = "contoso-desktop";
    private static readonly string WrongMak = ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString();
    private static readonly string RightMak = ProductKey.Derive(KeyType.Mak, 5, 10, new byte[32]).ToString();
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-replaced-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly SigningKey _publisher = SigningKey.Generate();

    [Fact]
    public async Task A_MAK_refused_for_good_while_another_key_was_installed_leaves_the_new_key_due_at_once()
    {
        using var service = new Service(this);
        using var http = new HttpClient(service);
        using var product = Open(http);
        using var user = Open(http); // the other writer: the product's UI, or 'pk ipk' on the same store
        Assert.True(product.InstallKey(WrongMak).IsSuccess);
        service.WhileAsked = () => Assert.True(user.InstallKey(RightMak).IsSuccess);

        var failed = await product.RenewIfDueAsync(TestContext.Current.CancellationToken);
        Assert.Equal("KEY_UNKNOWN", failed.Refusal?.Code);

        var next = await product.RenewIfDueAsync(TestContext.Current.CancellationToken);
        Assert.Equal(RenewalAction.Activated, next.Action);
        Assert.Equal(LicenseState.Licensed, product.Status().State);
    }

    [Fact]
    public async Task A_key_reinstalled_for_its_right_product_while_refused_for_the_wrong_one_is_due_at_once()
    {
        // pk's path: 'pk ipk K --product WRONG' and 'pk agent'; the service answers KEY_NOT_FOR_PRODUCT, and the user
        // corrects the product ('pk ipk K --product RIGHT') while that request is out. The same key, another product:
        // a new install, due at once, that the failed attempt must not give the wrong product's 7 days.
        using var service = new Service(this) { ProductOf = (RightMak, Product) };
        using var http = new HttpClient(service);
        var device = new DeviceLicense(new LicenseStore(_folder), _clock, new NoHardware());
        var user = new DeviceLicense(new LicenseStore(_folder), _clock, new NoHardware());
        Assert.True(device.InstallKey(RightMak, "contoso-server").IsSuccess);
        Assert.True(device.Configure(l => l with
        {
            DeviceId = "device-1", ServiceUrl = new Uri("http://licensing.test/"), TrustedKeys = [_publisher.PublicKey.ToPem()],
        }).IsSuccess);
        service.WhileAsked = () => Assert.True(user.InstallKey(RightMak, Product).IsSuccess);
        var renewal = new LicenseRenewal(device, new LicensingServiceClient(http), new KmsClientSettings(new NoKms(), new NoKms()), _clock);

        var failed = await renewal.RenewIfDueAsync(TestContext.Current.CancellationToken);
        Assert.Equal("KEY_NOT_FOR_PRODUCT", failed.Refusal?.Code);

        var next = await renewal.RenewIfDueAsync(TestContext.Current.CancellationToken);
        Assert.Equal(RenewalAction.Activated, next.Action);
    }

    [Fact]
    public async Task A_KMS_attempt_that_failed_while_a_MAK_was_installed_leaves_the_MAK_due_at_once()
    {
        using var world = new KmsWorld();
        world.License.Configure(l => l with { KmsHost = "kms.corp.test", ServiceUrl = new Uri("http://licensing.test/") });
        world.Respond = (_, _) =>
        {
            Assert.True(world.License.InstallKey(RightMak, KmsWorld.Product).IsSuccess);
            return new Refusal(ErrorCatalogue.KmsUnreachable, "KMS host kms.corp.test: connection refused.");
        };

        var failed = await KmsActivation.ActivateAsync(world.License, world.Settings, world.Clock, TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCatalogue.KmsUnreachable, failed.Refusal?.Error);
        Assert.Equal(KeyType.Mak, world.Stored.KeyType);
        Assert.Null(world.Stored.NextRenewalDue);
    }

    [Fact]
    public async Task A_KMS_answer_that_arrives_after_a_MAK_was_installed_does_not_license_the_MAK()
    {
        using var world = new KmsWorld();
        world.License.Configure(l => l with { KmsHost = "kms.corp.test" });
        world.Respond = (_, request) =>
        {
            Assert.True(world.License.InstallKey(RightMak, KmsWorld.Product).IsSuccess);
            return world.Activated(request);
        };

        var answered = await KmsActivation.ActivateAsync(world.License, world.Settings, world.Clock, TestContext.Current.CancellationToken);

        Assert.False(answered.IsSuccess);
        Assert.Equal(KeyType.Mak, world.Stored.KeyType);
        Assert.Null(world.Stored.Activation);
        Assert.NotEqual(LicenseState.Licensed, world.License.Status().Value.Status.State);
    }

    public void Dispose()
    {
        _publisher.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private ProductLicense Open(HttpClient http) => new(new ProductLicenseOptions
    {
        ProductId = Product,
        PublisherKeys = _publisher.PublicKey.ToPem(),
        StoreDirectory = _folder,
        DeviceId = "device-1",
        ServiceUrl = new Uri("http://licensing.test/"),
        HttpClient = http,
        TimeProvider = _clock,
    });

    /// <summary>The licensing service: it knows only <see cref="RightMak"/>; while it is asked, <see cref="WhileAsked"/> runs once.</summary>
    private sealed class Service(KeyReplacedDuringAttemptTests test) : HttpMessageHandler
    {
        public Action? WhileAsked { get; set; }

        /// <summary>When set, the product its key is for: asked with another, KEY_NOT_FOR_PRODUCT.</summary>
        public (string Key, string Product)? ProductOf { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Post)
            {
                return new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = JsonContent.Create(new PublisherKeysResponse([new PublisherKey(test._publisher.PublicKey.KeyId, test._publisher.PublicKey.ToPem())])),
                };
            }

            var body = await request.Content!.ReadFromJsonAsync<MakActivationRequest>(cancellationToken);
            var whileAsked = WhileAsked;
            WhileAsked = null;
            whileAsked?.Invoke();
            if (ProductOf is { } of && body!.Key == of.Key && body.Product != of.Product)
            {
                return new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent("""{"status":400,"code":"KEY_NOT_FOR_PRODUCT","detail":"Another product's key."}""", System.Text.Encoding.UTF8, "application/problem+json"),
                };
            }

            if (body!.Key != RightMak)
            {
                return new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent("""{"status":400,"code":"KEY_UNKNOWN","detail":"Unknown key."}""", System.Text.Encoding.UTF8, "application/problem+json"),
                };
            }

            var certificate = ActivationCertificate.Issue(new ArtifactSigner(test._publisher, test._clock), "act-1", body.Product!, "key-1", body.Key![^5..], body.HardwareId!);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new MakActivationResponse("act-1", certificate.Text, false, 1, 10)) };
        }
    }
    private sealed class NoHardware : IHardwareSource
    {
        public HardwareComponents Read() => HardwareComponents.Empty;
    }

    /// <summary>No KMS host: a MAK device never asks one.</summary>
    private sealed class NoKms : IKmsTransport, IKmsSrvResolver
    {
        public Task<Outcome<KmsActivationResponse>> SendAsync(KmsHostAddress host, KmsActivationRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A MAK device asked a KMS host.");

        public Task<IReadOnlyList<SrvTarget>> ResolveAsync(string name, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A MAK device looked up KMS hosts.");
    }
}
