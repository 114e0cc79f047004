using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>
/// A KMS client device on a fake clock, a test publisher, and an in-process host behind a fake
/// transport that signs real certificates (no network: the DNS tests use a real name server).
/// </summary>
internal sealed class KmsWorld : IDisposable, IKmsTransport, IKmsSrvResolver
{
    public const string Product = "contoso-desktop";
    public static readonly DateTimeOffset Start = new(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"pk-kms-client-{Guid.NewGuid():N}");

    public KmsWorld(string deviceId = "device-1")
    {
        HostCertificate = IssueHostCertificate(Publisher, HostKey, Clock);
        Respond = (_, request) => Activated(request);
        License = new DeviceLicense(new LicenseStore(_folder), Clock, new FallbackHardware());
        var key = ProductKey.Derive(KeyType.KmsClientSetup, 7, 1, new byte[32]).ToString();
        Assert.True(License.InstallKey(key, Product).IsSuccess);
        Assert.True(License.Configure(l => l with { DeviceId = deviceId, TrustedKeys = [Publisher.PublicKey.ToPem()] }).IsSuccess);
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public SigningKey Publisher { get; } = SigningKey.Generate();

    public SigningKey HostKey { get; } = SigningKey.Generate();

    public KmsHostCertificate HostCertificate { get; set; }

    public DeviceLicense License { get; }

    public KmsClientSettings Settings => new(this, this, "corp.test");

    /// <summary>What the fake host answers; by default it activates with real certificates.</summary>
    public Func<KmsHostAddress, KmsActivationRequest, Outcome<KmsActivationResponse>> Respond { get; set; }


    public List<KmsHostAddress> Asked { get; } = [];

    public IReadOnlyList<SrvTarget> SrvRecords { get; set; } = [];

    public int RenewalMinutes { get; set; } = 7 * 24 * 60;

    public int RetryMinutes { get; set; } = 120;

    public static KmsHostCertificate IssueHostCertificate(SigningKey publisher, SigningKey hostKey, TimeProvider clock, DateTimeOffset? expires = null) =>
        KmsHostCertificate.Issue(new ArtifactSigner(publisher, clock), "kmsh-test", hostKey.PublicKey.ToPem(), [new(Product, 25)], "ba-test", expires);

    public KmsActivationResponse Activated(
        KmsActivationRequest request, SigningKey? signer = null, KmsHostCertificate? host = null, string? hardwareId = null, KmsHostCertificate? attached = null)
    {
        var now = Clock.GetUtcNow();
        var certificate = host ?? HostCertificate;
        var client = KmsClientCertificate.Issue(new ArtifactSigner(signer ?? HostKey, Clock), certificate, $"kmsa-{now.ToUnixTimeSeconds()}",
            request.Cmid!, request.Product!, hardwareId ?? request.HardwareId!, now);
        return new KmsActivationResponse(true, null, 25, 25, RenewalMinutes, RetryMinutes, certificate.HostId, now, client.Text, (attached ?? certificate).Text);
    }

    public KmsActivationResponse NotYet(int count) =>
        new(false, ErrorCatalogue.KmsCountInsufficient.Code, count, 25, RenewalMinutes, RetryMinutes, HostCertificate.HostId, Clock.GetUtcNow(), null, null);

    public Task<Outcome<KmsActivationResponse>> SendAsync(KmsHostAddress host, KmsActivationRequest request, CancellationToken cancellationToken)
    {
        lock (Asked)
        {
            Asked.Add(host);
        }

        return Task.FromResult(Respond(host, request));
    }

    public Task<IReadOnlyList<SrvTarget>> ResolveAsync(string name, CancellationToken cancellationToken) => Task.FromResult(SrvRecords);

    public Outcome<DeviceLicenseReport> Activate(KmsClientSettings? settings = null) =>
        KmsActivation.ActivateAsync(License, settings ?? Settings, Clock, TestContext.Current.CancellationToken).GetAwaiter().GetResult();

    public StoredLicense Stored => License.Store.Load().Value;

    public void Dispose()
    {
        Publisher.Dispose();
        HostKey.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private sealed class FallbackHardware : IHardwareSource
    {
        public HardwareComponents Read() => HardwareComponents.Empty;
    }
}
