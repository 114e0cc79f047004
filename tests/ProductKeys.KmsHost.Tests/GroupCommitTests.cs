using System.Security.Cryptography;
using ProductKeys.KmsHost.Counting;
using ProductKeys.KmsHost.Status;

namespace ProductKeys.KmsHost.Tests;

/// <summary>The database's single writer: what one request's failure does to the others queued with it.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly HostFixture _host = new();

    [Fact]
    public async Task A_visit_whose_answer_cannot_be_prepared_fails_alone_and_is_neither_counted_nor_stored()
    {
        // Queued together (in one batch or several: the outcome is the same).
        var first = Visit(1, _ => null);
        var broken = Visit(2, _ => throw new CryptographicException("The host key is unusable."));
        var third = Visit(3, _ => null);

        Assert.Equal(1, await first);
        await Assert.ThrowsAsync<CryptographicException>(() => broken);
        Assert.Equal(2, await third);
        Assert.Equal(2, KmsStatusReader.Read(_host.Folder.Path, _host.Clock).Requests);

        _host.Restart();
        Assert.Equal(3, (await _host.Activation.HandleAsync(_host.Request(4))).Value.Count);
    }

    public void Dispose() => _host.Dispose();

    private Task<int> Visit(int device, Func<int, AcknowledgedActivation?> activate) =>
        _host.Database.RecordVisitAsync(
            new ClientVisit($"writer-{device}", HostFixture.Desktop, HostFixture.HardwareFor(device), "InitialGrace", _host.Clock.GetUtcNow()), activate);
}
