using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;

namespace ProductKeys.Client.Tests;

/// <summary>Issue 13 item 1: one skewed reading must not age the store (ADR 0019).</summary>
public sealed class ClockHighWaterTests : IDisposable
{
    private const string Product = "desktop";
    private static readonly string Mak = ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString();

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-clock-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeMonotonic _monotonic = new();
    private readonly SigningKey _publisher = SigningKey.Generate();
    private readonly DeviceLicense _license;

    public ClockHighWaterTests()
    {
        _license = new DeviceLicense(new LicenseStore(_folder), _clock, new FakeHardware()) { Monotonic = _monotonic };
        _license.Configure(l => l with { TrustedKeys = [_publisher.PublicKey.ToPem()] });
        _license.InstallKey(Mak, Product);
    }

    [Fact]
    public void A_status_read_under_a_clock_40_days_ahead_does_not_age_the_store()
    {
        var start = _clock.GetUtcNow();
        var skewed = new FakeTimeProvider(start.AddDays(40));
        var underSkew = new DeviceLicense(new LicenseStore(_folder), skewed, new FakeHardware()) { Monotonic = _monotonic };
        _monotonic.Milliseconds += 1_000;   // one second really passed
        Assert.Equal(LicenseState.Notification, underSkew.Status().Value.Status.State);   // that reading itself says so...

        var report = _license.Status().Value;   // ...but back on the right clock nothing stuck
        Assert.Equal(LicenseState.InitialGrace, report.Status.State);
        Assert.False(report.Status.ClockRollbackDetected);
        Assert.InRange(report.Stored.ClockHighWater!.Value, start, start.AddSeconds(1));
    }

    [Fact]
    public void The_mark_advances_by_monotonic_time_and_rollback_past_it_is_detected()
    {
        _clock.Advance(TimeSpan.FromDays(5));
        _monotonic.Milliseconds += (long)TimeSpan.FromDays(5).TotalMilliseconds;
        Assert.Equal(_clock.GetUtcNow(), _license.Status().Value.Stored.ClockHighWater);

        var back = new DeviceLicense(new LicenseStore(_folder), new FakeTimeProvider(_clock.GetUtcNow().AddDays(-3)), new FakeHardware()) { Monotonic = _monotonic };
        Assert.True(back.Status().Value.Status.ClockRollbackDetected);
    }

    [Fact]
    public void A_clock_set_back_a_year_does_not_stop_the_grace_period_while_real_time_passes()
    {
        // A hostile user sets the clock back a year on day 1 of the 30-day grace, then uses the product
        // for 40 days on the same boot. The timers used to run on the frozen mark (day 1): grace forever.
        var rolledBack = new FakeTimeProvider(_clock.GetUtcNow().AddDays(-365));
        var underRollback = new DeviceLicense(new LicenseStore(_folder), rolledBack, new FakeHardware()) { Monotonic = _monotonic };
        Assert.Equal(LicenseState.InitialGrace, underRollback.Status().Value.Status.State);

        for (var day = 0; day < 40; day++)
        {
            rolledBack.Advance(TimeSpan.FromDays(1));
            _monotonic.Milliseconds += (long)TimeSpan.FromDays(1).TotalMilliseconds;
            underRollback.Status();
        }

        var report = underRollback.Status().Value;
        Assert.Equal(LicenseState.Notification, report.Status.State);
        Assert.True(report.Status.ClockRollbackDetected);
        Assert.Equal(_clock.GetUtcNow().AddDays(40), report.Stored.ClockHighWater);
    }

    [Fact]
    public void Status_reads_less_than_a_minute_apart_do_not_rewrite_the_store_and_lose_no_time()
    {
        var start = _clock.GetUtcNow();
        _license.Status();
        var file = Path.Combine(_folder, "license.json");
        var before = File.ReadAllBytes(file);

        _clock.Advance(TimeSpan.FromSeconds(40));
        _monotonic.Milliseconds += 40_000;
        Assert.Equal(start, _license.Status().Value.Stored.ClockHighWater);
        Assert.Equal(before, File.ReadAllBytes(file));   // nothing written: 'pk dli' costs no fsync

        _clock.Advance(TimeSpan.FromSeconds(40));
        _monotonic.Milliseconds += 40_000;
        Assert.Equal(start.AddSeconds(80), _license.Status().Value.Stored.ClockHighWater);   // the first 40 s still count
    }

    [Fact]
    public void A_rearm_under_a_clock_ten_years_ahead_gives_no_more_than_its_30_days_once_the_clock_is_back()
    {
        var real = _clock.GetUtcNow();
        var ahead = new DeviceLicense(new LicenseStore(_folder), new FakeTimeProvider(real.AddDays(3650)), new FakeHardware()) { Monotonic = _monotonic };
        Assert.True(ahead.Rearm().IsSuccess);

        var status = _license.Status().Value.Status;
        Assert.Equal(LicenseState.InitialGrace, status.State);
        Assert.True(status.GraceEnds <= real.AddDays(30), $"grace ends {status.GraceEnds:u}");
    }

    [Fact]
    public void A_key_installed_under_a_clock_ten_years_ahead_gives_no_more_than_30_days_of_grace_once_the_clock_is_back()
    {
        // The product reads its status at start-up (the store gets its clock mark), the user moves the clock
        // ten years ahead, installs the key from the product's UI, and moves the clock back.
        var folder = Directory.CreateTempSubdirectory("pk-clock-install-").FullName;
        try
        {
            var real = _clock.GetUtcNow();
            var product = new DeviceLicense(new LicenseStore(folder), _clock, new FakeHardware()) { Monotonic = _monotonic };
            Assert.True(product.Configure(l => l with { ProductId = Product }).IsSuccess);
            var ahead = new DeviceLicense(new LicenseStore(folder), new FakeTimeProvider(real.AddDays(3650)), new FakeHardware()) { Monotonic = _monotonic };
            Assert.True(ahead.InstallKey(Mak, Product).IsSuccess);

            var status = product.Status().Value.Status;
            Assert.Equal(LicenseState.InitialGrace, status.State);
            Assert.True(status.GraceEnds <= real.AddDays(30), $"grace ends {status.GraceEnds:u}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_key_installed_under_a_clock_ahead_runs_out_of_grace_though_the_store_cannot_be_written()
    {
        // As above, then the user makes the store unwritable (license.lock a folder): no status read saves the timer
        // start brought back, so it must not be brought back to a time that moves with the clock.
        var folder = Directory.CreateTempSubdirectory("pk-clock-readonly-").FullName;
        try
        {
            var product = new DeviceLicense(new LicenseStore(folder), _clock, new FakeHardware()) { Monotonic = _monotonic };
            Assert.True(product.Configure(l => l with { ProductId = Product }).IsSuccess);
            var ahead = new DeviceLicense(new LicenseStore(folder), new FakeTimeProvider(_clock.GetUtcNow().AddDays(3650)), new FakeHardware()) { Monotonic = _monotonic };
            Assert.True(ahead.InstallKey(Mak, Product).IsSuccess);
            File.Delete(Path.Combine(folder, "license.lock"));
            Directory.CreateDirectory(Path.Combine(folder, "license.lock"));

            _clock.Advance(TimeSpan.FromDays(60));
            _monotonic.Milliseconds += (long)TimeSpan.FromDays(60).TotalMilliseconds;
            var status = product.Status().Value.Status;
            Assert.Equal(LicenseState.Notification, status.State);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_new_boot_keeps_the_mark_and_a_signed_server_time_moves_it()
    {
        var start = _clock.GetUtcNow();
        _monotonic.BootId = "boot-2";
        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(start, _license.Status().Value.Stored.ClockHighWater);

        var certificate = ActivationCertificate.Issue(new ArtifactSigner(_publisher, _clock), "act-1", Product, "key-1", Mak[^5..],
            _license.CurrentHardwareId().Value.ToString()).Text;
        Assert.Equal(_clock.GetUtcNow(), _license.ApplyCertificate(certificate).Value.Stored.ClockHighWater);
    }

    public void Dispose()
    {
        _publisher.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class FakeMonotonic : MonotonicClock
    {
        public string? BootId { get; set; } = "boot-1";

        public long Milliseconds { get; set; } = 1_000_000;

        public override (string? BootId, long Milliseconds) Read() => (BootId, Milliseconds);
    }
}
