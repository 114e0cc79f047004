using ProductKeys.Client.Activation;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Renewal;
using ProductKeys.Client.Store;
using ProductKeys.Client.Tests.Kms;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests.Renewal;

/// <summary>A KMS client's store with a device ID on a machine other than the one that sealed it (a pod moved to another node with its volume).</summary>
public sealed class MovedDeviceIdStoreTests : IDisposable
{
    private readonly KmsWorld _world = new();
    private readonly HttpClient _http = new();

    [Fact]
    public async Task A_KMS_client_store_with_a_device_id_on_another_machine_is_activated_again_at_the_next_pass_not_days_later()
    {
        _world.License.Configure(l => l with { KmsHost = "kms.corp.test" });
        Assert.Equal(LicenseState.Licensed, _world.Activate().Value.Status.State);

        var otherNode = new FakeHardware();
        otherNode.Components = otherNode.Components with { MachineId = "machine-2", ProductUuid = "uuid-2", BoardSerial = "board-2" };
        var moved = new DeviceLicense(new LicenseStore(_world.License.Store.Directory), _world.Clock, otherNode, new TrustedKeySet(_world.Publisher.PublicKey));

        var renewal = new LicenseRenewal(moved, new LicensingServiceClient(_http), _world.Settings, _world.Clock);
        var pass = await renewal.RenewIfDueAsync(TestContext.Current.CancellationToken);
        Assert.Equal(RenewalAction.Renewed, pass.Action);
        Assert.Equal(2, _world.Asked.Count);
        Assert.Equal(LicenseState.Licensed, moved.Status().Value.Status.State);
    }

    public void Dispose()
    {
        _http.Dispose();
        _world.Dispose();
    }
}
