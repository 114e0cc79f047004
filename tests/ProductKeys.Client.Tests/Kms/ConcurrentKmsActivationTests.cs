using System.Collections.Concurrent;
using ProductKeys.Client.Kms;
using ProductKeys.Client.Licensing;
using ProductKeys.Core.Devices;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>
/// Two first KMS activations of one store at once ('pk ato &amp; pk ato', or 'pk ato' while the product's
/// renewal loop starts): a hostile review found each chose its own client machine ID, so one failed
/// SIGNATURE_INVALID ("made for another client machine ID") and the host counted the device twice.
/// </summary>
public sealed class ConcurrentKmsActivationTests : IDisposable
{
    private readonly KmsWorld _world = new();

    public ConcurrentKmsActivationTests() => _world.License.Configure(l => l with { KmsHost = "kms.corp.test" });

    [Fact]
    public async Task Two_first_activations_at_once_use_one_client_machine_id_and_both_succeed()
    {
        var cmids = new ConcurrentBag<string>();
        _world.Respond = (_, request) =>
        {
            cmids.Add(request.Cmid!);
            return _world.Activated(request);
        };

        // Two processes on one store: each its own DeviceLicense. Both have read the store (no CMID yet)
        // before either chooses one: the hardware source holds each first read until both are there.
        using var bothLoaded = new Barrier(2);
        var hardware = new MeetingHardware(bothLoaded);
        var first = new DeviceLicense(_world.License.Store, _world.Clock, hardware);
        var second = new DeviceLicense(_world.License.Store, _world.Clock, hardware);
        Assert.Null(_world.Stored.KmsClientMachineId);

        var results = await Task.WhenAll(
            Task.Run(() => KmsActivation.ActivateAsync(first, _world.Settings, _world.Clock, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken),
            Task.Run(() => KmsActivation.ActivateAsync(second, _world.Settings, _world.Clock, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

        Assert.True(hardware.Met, "both activations read the store before either chose a CMID");
        Assert.All(results, r => Assert.True(r.IsSuccess, r.Refusal?.ToString()));
        var sent = Assert.Single(cmids.Distinct());
        Assert.Equal(sent, _world.Stored.KmsClientMachineId);
        Assert.Equal(LicenseState.Licensed, _world.License.Status().Value.Status.State);
    }

    public void Dispose() => _world.Dispose();

    /// <summary>No hardware (the world's device ID stands in), but each thread's first read waits for the other's.</summary>
    private sealed class MeetingHardware(Barrier barrier) : IHardwareSource
    {
        private readonly ConcurrentDictionary<int, bool> _arrived = new();

        public bool Met { get; private set; }

        public HardwareComponents Read()
        {
            if (_arrived.TryAdd(Environment.CurrentManagedThreadId, true) && _arrived.Count <= 2)
            {
                // Bounded so a broken test fails instead of hanging; both threads read lock-free, so they meet.
                Met = barrier.SignalAndWait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken) || Met;
            }

            return HardwareComponents.Empty;
        }
    }
}
