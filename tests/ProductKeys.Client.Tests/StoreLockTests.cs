using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests;

/// <summary>
/// Many callers on one store (200 threads of a product, pk agent, pk): the lock is held only for the load, change and save,
/// and a lock that stays held is STORE_BUSY, not a wait that ends in another code. No assertion depends on timing.
/// </summary>
public sealed class StoreLockTests : IDisposable
{
    private const string Product = "desktop";
    private static readonly string Mak = ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString();
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-store-lock-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_hardware_is_read_before_the_stores_lock_is_taken_never_while_it_is_held()
    {
        using var publisher = SigningKey.Generate();
        var hardware = new LockSensingHardware(Path.Combine(_folder, "license.lock"));
        var license = new DeviceLicense(new LicenseStore(_folder), _clock, hardware, new TrustedKeySet(publisher.PublicKey));

        Assert.True(license.InstallKey(Mak, Product).IsSuccess);
        Assert.True(license.Status().IsSuccess);
        Assert.True(license.Configure(l => l with { KmsHost = "kms.example" }).IsSuccess);
        var hardwareId = license.CurrentHardwareId().Value.ToString();
        var certificate = ActivationCertificate.Issue(new ArtifactSigner(publisher, _clock), "act-1", Product, "key-1", Mak[^5..], hardwareId).Text;
        Assert.Equal(LicenseState.Licensed, license.ApplyCertificate(certificate).Value.Status.State);

        Assert.True(hardware.Reads > 0);
        Assert.Equal(0, hardware.ReadsUnderLock);
    }

    [Fact]
    public void A_lock_another_holder_keeps_is_STORE_BUSY_and_changes_nothing_while_a_status_read_still_answers()
    {
        var hardware = new FakeHardware();
        var license = new DeviceLicense(new LicenseStore(_folder) { LockWait = TimeSpan.Zero }, _clock, hardware);
        Assert.True(license.InstallKey(Mak, Product).IsSuccess);
        var before = File.ReadAllText(Path.Combine(_folder, "license.json"));

        using (var held = new LicenseStore(_folder).Lock())
        {
            Assert.NotNull(held);
            var changed = license.Configure(l => l with { KmsHost = "kms.example" });
            Assert.Equal("STORE_BUSY", changed.Refusal?.Code);
            Assert.Contains("retry", changed.Refusal!.Detail, StringComparison.Ordinal);
            Assert.Equal("STORE_BUSY", license.Rearm().Refusal?.Code);

            _clock.Advance(TimeSpan.FromDays(1));
            var read = license.Status();
            Assert.True(read.IsSuccess);
            Assert.Equal(LicenseState.InitialGrace, read.Value.Status.State);
        }

        Assert.Equal(before, File.ReadAllText(Path.Combine(_folder, "license.json")));
        Assert.True(license.Configure(l => l with { KmsHost = "kms.example" }).IsSuccess);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A machine whose every read checks whether the store's lock is held at that moment.</summary>
    private sealed class LockSensingHardware(string lockFile) : IHardwareSource
    {
        private readonly FakeHardware _inner = new();

        public int Reads { get; private set; }

        public int ReadsUnderLock { get; private set; }

        public HardwareComponents Read()
        {
            Reads++;
            try
            {
                using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // no lock file yet: nobody holds it
            }
            catch (IOException)
            {
                ReadsUnderLock++;
            }

            return _inner.Read();
        }
    }
}
