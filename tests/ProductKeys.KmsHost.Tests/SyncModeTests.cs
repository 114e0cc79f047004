using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.KmsHost.Counting;

namespace ProductKeys.KmsHost.Tests;

/// <summary>The sync mode an operator picks (<c>--sync</c>) is the one the visit log and SQLite's folds use.</summary>
public sealed class SyncModeTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"pk-kms-sync-{Guid.NewGuid():N}");

    [Theory]
    [InlineData(KmsSyncMode.Normal, 1L, false)]
    [InlineData(KmsSyncMode.Full, 2L, true)]
    public async Task The_host_writes_with_the_sync_mode_it_was_given(KmsSyncMode mode, long sqliteSynchronous, bool logFlushed)
    {
        await using var app = KmsHostApp.Build(new KmsHostOptions { DataDirectory = _data, Sync = mode }, ["http://127.0.0.1:0"], new FakeTimeProvider(HostFixture.Start)).Value;
        var database = app.Services.GetRequiredService<KmsDatabase>();
        Assert.Equal(logFlushed, database.LogFlushesToDisk);
        Assert.Equal(sqliteSynchronous, database.Read(c => KmsTables.Scalar(c, "PRAGMA synchronous;")));
        Assert.Equal("wal", database.Read(c => KmsTables.Scalar(c, "PRAGMA journal_mode;")));
    }

    [Fact]
    public async Task A_second_host_on_a_served_data_folder_is_refused_with_a_conflict()
    {
        var options = new KmsHostOptions { DataDirectory = _data };
        await using var first = KmsHostApp.Build(options, ["http://127.0.0.1:0"], TimeProvider.System).Value;

        var second = KmsHostApp.Build(options, ["http://127.0.0.1:0"], TimeProvider.System);

        Assert.False(second.IsSuccess);
        Assert.Equal("CONFLICT", second.Refusal.Code);
        Assert.Contains("Another KMS host", second.Refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Normal_is_the_default_and_an_unknown_mode_is_refused()
    {
        Assert.Equal(KmsSyncMode.Normal, new KmsHostOptions().Sync);
        Assert.NotNull(new KmsHostOptions { DataDirectory = "d", Sync = (KmsSyncMode)7 }.Problem());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
