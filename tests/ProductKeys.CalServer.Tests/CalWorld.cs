using Microsoft.Extensions.Time.Testing;
using ProductKeys.CalServer.Data;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Signing;

namespace ProductKeys.CalServer.Tests;

/// <summary>
/// A CAL server's data folder with a fake clock and a test publisher that signs pack certificates
/// for it, as the licensing service would (the service side is tested in ProductKeys.Service.Tests).
/// </summary>
internal sealed class CalWorld : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly CalServerIdentity _identity;

    public CalWorld()
    {
        Folder = new CalServerFolder(Directory.CreateTempSubdirectory("pk-cal-tests-").FullName);
        _identity = CalServerIdentity.LoadOrCreate(Folder).Value;
        Ledger = CalLedger.Open(Folder, _identity, Time).Value;
        Trust = new TrustedKeySet(Publisher.PublicKey);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public SigningKey Publisher { get; } = SigningKey.Generate();

    public TrustedKeySet Trust { get; }

    /// <summary>The folder's trust as <see cref="Trust"/> pinned alone, with no key list: what a pack is installed with here.</summary>
    public PublisherKeyChain Pinned => PublisherKeyChain.Start(Trust);

    public CalServerFolder Folder { get; }

    public CalLedger Ledger { get; }

    public string ServerId => _identity.ServerId;

    public TrustedKey ServerKey => _identity.Key.PublicKey;

    public CalPackCertificate SignPack(
        CalMode mode, int purchased, int installed = 500, string? packId = null, string? serverId = null, SigningKey? publisher = null, TimeProvider? publisherClock = null) =>
        CalPackCertificate.Issue(new ArtifactSigner(publisher ?? Publisher, publisherClock ?? Time), packId ?? Guid.NewGuid().ToString(), mode == CalMode.PerUser ? "user-cal" : "device-cal",
            mode, purchased, installed, serverId ?? ServerId, ServerKey.ToPem());

    public async Task<CalPackCertificate> InstallAsync(CalMode mode, int purchased, int installed = 500)
    {
        var installedPack = await Ledger.InstallPackAsync(SignPack(mode, purchased, installed).Text, Pinned, TestContext.Current.CancellationToken);
        Assert.True(installedPack.IsSuccess, installedPack.Refusal?.ToString());
        return installedPack.Value;
    }

    public async Task<string> UserAsync(string user)
    {
        var cal = await Ledger.RequestUserAsync(user, TestContext.Current.CancellationToken);
        Assert.True(cal.IsSuccess, cal.Refusal?.ToString());
        return cal.Value.Pool!;
    }

    public async Task<string> DeviceAsync(string device)
    {
        var cal = await Ledger.RequestDeviceAsync(device, TestContext.Current.CancellationToken);
        return cal.IsSuccess ? cal.Value.Kind! : cal.Refusal.Code;
    }

    /// <summary>A second ledger on the same folder and identity, with its own clock (one that may go back, <see cref="SettableClock"/>).</summary>
    public CalLedger OpenLedger(TimeProvider clock) => CalLedger.Open(Folder, _identity, clock).Value;

    public Task<CalUsage> UsageAsync() => Ledger.UsageAsync(TimeSpan.FromDays(14), TestContext.Current.CancellationToken);

    public void Dispose()
    {
        Ledger.Dispose();
        _identity.Dispose();
        Publisher.Dispose();
        Directory.Delete(Folder.Path, recursive: true);
    }
}
