using System.Net;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Client.Tests.Kms;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Tests.Activation;

/// <summary>
/// A device whose hardware ID has no machine ID is refused by the licensing service whatever its key (docs/formats/hardware-id-v1.md,
/// "What an activation may bind to"): it says so itself, naming --device-id, and sends nothing, rather than ask every retry interval.
/// </summary>
public sealed class NoMachineIdTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-no-machine-id-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_device_without_a_machine_ID_is_refused_before_any_request_and_with_a_device_ID_it_asks()
    {
        var hardware = new FakeHardware { Components = new HardwareComponents { DiskSerials = ["disk-1"], NetworkAdapters = ["00:11:22:33:44:55"], Cpu = "cpu x 8" } };
        var license = new DeviceLicense(new LicenseStore(_folder), _clock, hardware);
        Assert.True(license.InstallKey(ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString(), "desktop").IsSuccess);
        using var handler = new CountingHandler();
        using var http = new HttpClient(handler);
        using var kms = new KmsWorld();
        Assert.True(license.Configure(l => l with { ServiceUrl = new Uri("http://licensing.test/"), TrustedKeys = [kms.Publisher.PublicKey.ToPem()] }).IsSuccess);

        var refused = await OnlineActivation.ActivateAsync(license, new LicensingServiceClient(http), kms.Settings, pinned: null, TestContext.Current.CancellationToken);

        Assert.True(refused.Refusal?.Code == "VALIDATION_FAILED", refused.Refusal?.ToString());
        Assert.Contains("--device-id", refused.Refusal!.Detail, StringComparison.Ordinal);
        Assert.Equal(0, handler.Requests);

        Assert.True(license.Configure(l => l with { DeviceId = "pod-7" }).IsSuccess);
        var asked = await OnlineActivation.ActivateAsync(license, new LicensingServiceClient(http), kms.Settings, pinned: null, TestContext.Current.CancellationToken);
        Assert.NotEqual("VALIDATION_FAILED", asked.Refusal?.Code);
        Assert.True(handler.Requests > 0);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Counts requests and answers none (connection refused).</summary>
    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            throw new HttpRequestException("Connection refused", null, HttpStatusCode.ServiceUnavailable);
        }
    }
}
