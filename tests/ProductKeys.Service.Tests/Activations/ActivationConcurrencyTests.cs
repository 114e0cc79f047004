using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Hosting;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>
/// Limits hold exactly under concurrency: two service nodes on one database (PostgreSQL; on
/// SQLite two nodes share the file), many devices at once.
/// </summary>
public abstract class ActivationConcurrencyTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task Two_hundred_devices_at_once_on_a_MAK_with_limit_37_activate_exactly_37()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 29); // max(ceil(36.25), 34) = 37
        Assert.Equal(37, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationLimit").GetInt32());
        await using var second = await LicensingServiceHost.BuildAsync(fixture.Options, TestContext.Current.CancellationToken);
        await second.StartAsync(TestContext.Current.CancellationToken);
        using var secondClient = new HttpClient { BaseAddress = new Uri(second.Urls.First()) };

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            ActivationWorld.ActivateAsync(i % 2 == 0 ? fixture.Client : secondClient, key, TestWorld.Desktop, ActivationWorld.Device($"crowd-{i}", TestWorld.Desktop))));

        var codes = await Task.WhenAll(responses.Select(async r => r.IsSuccessStatusCode ? "OK" : (await Problems.CodeAsync(r))));
        Assert.Equal(37, codes.Count(c => c == "OK"));
        Assert.Equal(163, codes.Count(c => c == "MAK_LIMIT_REACHED"));
        Assert.Equal(37, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
        Assert.Equal(37, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.KeyId == keyId)));
        await second.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task One_device_activating_ten_times_at_once_is_counted_once()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var device = ActivationWorld.Device("impatient", TestWorld.Desktop);
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, device)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
        Assert.Equal(1, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.KeyId == keyId)));
    }

    [Fact]
    public async Task One_device_racing_itself_for_the_last_activation_is_recorded_once_and_refused_never()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var limit = (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationLimit").GetInt32();
        for (var i = 0; i < limit - 1; i++)
        {
            var earlier = await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device($"earlier-{i}", TestWorld.Desktop));
            Assert.Equal(HttpStatusCode.OK, earlier.StatusCode);
        }

        // The twins that lose the last activation must not hear MAK_LIMIT_REACHED: their device is recorded.
        var device = ActivationWorld.Device("last-one", TestWorld.Desktop);
        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, device)));

        var codes = await Task.WhenAll(responses.Select(async r => r.IsSuccessStatusCode ? "OK" : (await Problems.CodeAsync(r))));
        Assert.All(codes, c => Assert.Equal("OK", c));
        Assert.Equal(limit, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
        Assert.Equal(limit, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.KeyId == keyId)));
    }

    [Fact]
    public async Task Twenty_KMS_hosts_at_once_on_one_host_key_activate_exactly_six()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Server, 5, "KmsHost");
        using var hostKey = SigningKey.Generate();
        var pem = hostKey.PublicKey.ToPem();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            fixture.Client.PostAsJsonAsync("/api/v1/kms-host-activations", new { key, hostId = $"kms-{i}", hostPublicKey = pem }, TestContext.Current.CancellationToken)));
        var codes = await Task.WhenAll(responses.Select(async r => r.IsSuccessStatusCode ? "OK" : (await Problems.CodeAsync(r))));
        Assert.Equal(6, codes.Count(c => c == "OK"));
        Assert.Equal(14, codes.Count(c => c == "KMS_HOST_KEY_LIMIT"));
        Assert.Equal(6, await fixture.WithDbAsync(db => db.KmsHostActivations.CountAsync(h => h.KeyId == keyId)));
    }
}

public sealed class SqliteActivationConcurrencyTests(SqliteFixture fixture) : ActivationConcurrencyTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresActivationConcurrencyTests(PostgresFixture fixture) : ActivationConcurrencyTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
