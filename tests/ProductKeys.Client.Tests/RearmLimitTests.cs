using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Tests;

/// <summary>
/// docs/product.md §3: 3 rearms per MAK or setup-key device, unlimited on KMS clients. A hostile review
/// got 30 new grace days after REARM_LIMIT_REACHED by installing the public KMS client setup key, rearming
/// and installing the MAK again.
/// </summary>
public sealed class RearmLimitTests : IDisposable
{
    private const string Product = "desktop";
    private static readonly string Mak = ProductKey.Derive(KeyType.Mak, 5, 9, new byte[32]).ToString();
    private static readonly string Setup = ProductKey.Derive(KeyType.Setup, 5, 0, new byte[32]).ToString();
    private static readonly string KmsClient = ProductKey.Derive(KeyType.KmsClientSetup, 5, 1, new byte[32]).ToString();

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-rearm-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly DeviceLicense _license;

    public RearmLimitTests() => _license = new DeviceLicense(new LicenseStore(_folder), _clock, new FakeHardware());

    [Theory]
    [InlineData("mak")]
    [InlineData("setup")]
    public void After_the_limit_a_KMS_client_key_rearm_gives_a_MAK_or_setup_key_no_new_grace(string limited)
    {
        var key = limited == "mak" ? Mak : Setup;
        Assert.True(_license.InstallKey(key, Product).IsSuccess);
        for (var i = 0; i < LicensePolicy.MaxRearms; i++)
        {
            _clock.Advance(TimeSpan.FromDays(29));
            Assert.True(_license.Rearm().IsSuccess);
        }

        Assert.Equal("REARM_LIMIT_REACHED", _license.Rearm().Refusal?.Code);
        _clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(LicenseState.Notification, _license.Status().Value.Status.State);

        // The public KMS client setup key rearms without limit, and its grace holds while it is installed.
        Assert.True(_license.InstallKey(KmsClient, Product).IsSuccess);
        var kms = _license.Rearm();
        Assert.True(kms.IsSuccess, kms.Refusal?.ToString());
        Assert.Equal(LicenseState.InitialGrace, kms.Value.Status.State);

        // Back to the limited key: the grace it had, none; and still no rearm left.
        var back = _license.InstallKey(key, Product).Value.Status;
        Assert.Equal(LicenseState.Notification, back.State);
        Assert.Equal(0, back.RearmsLeft);
        Assert.Equal("REARM_LIMIT_REACHED", _license.Rearm().Refusal?.Code);
        Assert.Equal(LicenseState.Notification, _license.Status().Value.Status.State);
    }

    [Fact]
    public void Rearms_on_a_KMS_client_count_towards_the_devices_three()
    {
        Assert.True(_license.InstallKey(KmsClient, Product).IsSuccess);
        Assert.True(_license.Rearm().IsSuccess);
        Assert.True(_license.Rearm().IsSuccess);
        _clock.Advance(TimeSpan.FromDays(10));
        var rearmed = _license.Rearm().Value.Status;
        Assert.Null(rearmed.RearmsLeft);

        // The third was within the device's 3: a MAK keeps that grace, with no rearm left.
        var mak = _license.InstallKey(Mak, Product).Value.Status;
        Assert.Equal(LicenseState.InitialGrace, mak.State);
        Assert.Equal(_clock.GetUtcNow() + LicensePolicy.InitialGrace, mak.GraceEnds);
        Assert.Equal(0, mak.RearmsLeft);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
