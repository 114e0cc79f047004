using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using ProductKeys.Core.Devices;
using ProductKeys.Data.Activations;
using ProductKeys.Data.Keys;
using ProductKeys.Service.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>
/// The activation writers' per-key batches (docs/adr/0028-hot-mak-batches.md), one batch at a time,
/// in a known order, on each database: the limit holds to the last activation, a device recorded
/// earlier or twice in the batch consumes nothing, and the activation a conflict left unused goes to
/// the next device in line.
/// </summary>
public abstract class ActivationBatchTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task A_batch_takes_devices_in_order_up_to_the_limit_and_counts_each_once()
    {
        var (keyId, key, limit) = await KeyWithLeftAsync(5, "in-order");
        var batch = Enumerable.Range(0, 8).Select(i => New(keyId, $"in-order-{i}")).ToList();

        var results = await WriteAsync(batch);

        Assert.Equal([.. Enumerable.Range(limit - 4, 5).Select(used => new MakConsumption(MakConsumptionResult.Consumed, used)), MakConsumption.Refused, MakConsumption.Refused, MakConsumption.Refused], results);
        await AssertRecordedAsync(keyId, limit, batch.Take(5));
        Assert.Equal(HttpStatusCode.OK, (await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, batch[0].Activation.HardwareId)).StatusCode);
    }

    [Fact]
    public async Task A_device_recorded_before_or_twice_in_the_batch_leaves_its_activation_to_the_next_in_line()
    {
        var (keyId, key, limit) = await KeyWithLeftAsync(4, "conflict");
        var known = ActivationWorld.Device("conflict-known", TestWorld.Desktop);
        Assert.Equal(HttpStatusCode.OK, (await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, known)).StatusCode); // 3 left
        var twin = New(keyId, "conflict-twin");
        var batch = new List<(MakActivation Activation, long[] Hashes)>
        {
            New(keyId, "conflict-known"), twin, Again(twin), New(keyId, "conflict-a"), New(keyId, "conflict-b"), New(keyId, "conflict-c"),
        };

        var results = await WriteAsync(batch);

        // 3 left: the known device and the twin's second row record nothing, so the twin, 'a' and 'b'
        // take the three; 'c' is refused. (PostgreSQL's first round takes the first three in line —
        // only the twin gets in — and a second round gives 'a' and 'b' the two its conflicts left.)
        Assert.Equal(
            [MakConsumption.AlreadyRecorded, new(MakConsumptionResult.Consumed, limit - 2), MakConsumption.AlreadyRecorded,
                new(MakConsumptionResult.Consumed, limit - 1), new(MakConsumptionResult.Consumed, limit), MakConsumption.Refused],
            results);
        await AssertRecordedAsync(keyId, limit, [twin, batch[3], batch[4]]);
        Assert.Equal(limit, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.KeyId == keyId, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_blocked_key_consumes_nothing()
    {
        var (keyId, _, limit) = await KeyWithLeftAsync(5, "blocked");
        await fixture.WithDbAsync(db => db.Keys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Status, KeyStatus.Blocked), TestContext.Current.CancellationToken));

        var results = await WriteAsync([New(keyId, "blocked-a"), New(keyId, "blocked-b")]);

        Assert.Equal([MakConsumption.Refused, MakConsumption.Refused], results);
        Assert.Equal(limit - 5, await fixture.WithDbAsync(db => db.Keys.Where(k => k.Id == keyId).Select(k => k.ActivationsUsed).SingleAsync(TestContext.Current.CancellationToken)));
        Assert.Equal(0, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.HardwareId.Contains("blocked"), TestContext.Current.CancellationToken)));
    }

    /// <summary>A fresh MAK with <paramref name="left"/> activations left (the rest consumed by other devices).</summary>
    private async Task<(Guid Id, string Key, int Limit)> KeyWithLeftAsync(int left, string name)
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var limit = (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationLimit").GetInt32();
        for (var i = 0; i < limit - left; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device($"{name}-earlier-{i}", TestWorld.Desktop))).StatusCode);
        }

        return (keyId, key, limit);
    }

    protected TFixture Fixture => fixture;

    /// <summary>Writes the batch through the database's writer, in one go.</summary>
    private protected abstract Task<MakConsumption[]> WriteAsync(List<(MakActivation Activation, long[] Hashes)> batch);

    private async Task AssertRecordedAsync(Guid keyId, int used, IEnumerable<(MakActivation Activation, long[] Hashes)> recorded)
    {
        Assert.Equal(used, await fixture.WithDbAsync(db => db.Keys.Where(k => k.Id == keyId).Select(k => k.ActivationsUsed).SingleAsync(TestContext.Current.CancellationToken)));
        foreach (var (activation, hashes) in recorded)
        {
            Assert.Equal(1, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.Id == activation.Id && a.HardwareId == activation.HardwareId, TestContext.Current.CancellationToken)));
            Assert.Equal(hashes.Length, await fixture.WithDbAsync(db => db.MakActivationComponents.CountAsync(c => c.ActivationId == activation.Id, TestContext.Current.CancellationToken)));
        }
    }

    private static (MakActivation Activation, long[] Hashes) New(Guid keyId, string device)
    {
        var hardware = HardwareId.FromDeviceId(device, TestWorld.Desktop).Value;
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        return (new MakActivation { Id = Guid.NewGuid(), KeyId = keyId, ProductId = TestWorld.Desktop, HardwareId = hardware.ToString(), ActivatedAt = now, LastActivatedAt = now, Activations = 1 },
            [.. hardware.Components.Select(c => unchecked((long)c.Hash)).Distinct()]);
    }

    /// <summary>The same device's second request: another activation id, the same hardware ID.</summary>
    private static (MakActivation Activation, long[] Hashes) Again((MakActivation Activation, long[] Hashes) first) =>
        (new MakActivation
        {
            Id = Guid.NewGuid(), KeyId = first.Activation.KeyId, ProductId = first.Activation.ProductId, HardwareId = first.Activation.HardwareId,
            ActivatedAt = first.Activation.ActivatedAt, LastActivatedAt = first.Activation.LastActivatedAt, Activations = 1,
        }, first.Hashes);
}

public sealed class SqliteActivationBatchTests(SqliteFixture fixture) : ActivationBatchTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>
{
    private protected override async Task<MakConsumption[]> WriteAsync(List<(MakActivation Activation, long[] Hashes)> batch)
    {
        await using var writer = new SqliteActivationWriter(Data.DatabaseSettings.ForDataDirectory(Fixture.DataDirectory), new SqliteWriteGate(), NullLogger<SqliteActivationWriter>.Instance);
        return writer.Write(batch);
    }
}

public sealed class PostgresActivationBatchTests(PostgresFixture fixture) : ActivationBatchTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>
{
    private protected override Task<MakConsumption[]> WriteAsync(List<(MakActivation Activation, long[] Hashes)> batch) =>
        PostgresActivationWriter.WriteKeyBatchAsync(Data.DatabaseSettings.ForPostgres(Fixture.PostgresConnectionString!).ConnectionString, batch);
}
