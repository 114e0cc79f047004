using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Keys;
using ProductKeys.Service.Identity;
using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;
using ProductKeys.Service.Throttling;

namespace ProductKeys.Service.Tests.Security;

/// <summary>
/// Sign-in throttled per account as well as per address; unknown keys throttled per address without
/// refusing real keys; both shared by every node through the database (ADR 0017). Client addresses
/// come from X-Forwarded-For, which the service believes from loopback.
/// </summary>
public abstract class ThrottleTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Wrong_passwords_for_one_account_from_many_addresses_on_two_nodes_throttle_the_account()
    {
        const string user = "BillingAdministrator-None";
        await using var other = await ExtraNode.StartAsync(fixture);
        // 10 (SignIn:MaxFailuresPerAccount) failures, one per address, alternating nodes: no address is over its own limit.
        for (var i = 0; i < 10; i++)
        {
            await Problems.AssertAsync(await SignInFromAsync(i % 2 == 0 ? fixture.Client : other.Client, $"10.1.0.{i + 1}", user, "wrong password"),
                HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        }

        // Even the right password, from a new address, waits out the back-off.
        await Problems.AssertAsync(await SignInFromAsync(fixture.Client, "10.1.0.200", user, TestWorld.Password), HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        await Problems.AssertAsync(await SignInFromAsync(other.Client, "10.1.0.201", user, TestWorld.Password), HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        // Another account is not affected.
        await Problems.OkJsonAsync(await SignInFromAsync(other.Client, "10.1.0.1", "GlobalAdministrator-Reader", TestWorld.Password));

        // The back-off ends (here: its end moved to the past): the real user signs in, and that clears the account's failures.
        await fixture.WithDbAsync(db => db.ThrottleCounters.Where(c => c.Key == "sign-in:user:" + user.ToUpperInvariant())
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.BlockedUntil, 1L), Ct));
        await Problems.OkJsonAsync(await SignInFromAsync(fixture.Client, "10.1.0.200", user, TestWorld.Password));
        Assert.False(await fixture.WithDbAsync(db => db.ThrottleCounters.AnyAsync(c => c.Key == "sign-in:user:" + user.ToUpperInvariant(), Ct)));
    }

    [Fact]
    public void The_account_back_off_doubles_and_is_capped_so_the_real_user_is_never_locked_out_for_good()
    {
        var options = new SignInOptions { AccountBackoff = TimeSpan.FromSeconds(30), AccountBackoffMaximum = TimeSpan.FromMinutes(15) };
        Assert.Equal([30, 60, 120, 240, 480, 900, 900], Enumerable.Range(0, 7).Select(n => (int)SignInThrottle.Backoff(n, options).TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(15), SignInThrottle.Backoff(int.MaxValue, options));
    }

    [Fact]
    public async Task Unknown_keys_are_throttled_per_address_across_nodes_while_real_keys_from_that_address_still_activate()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var parsed = ProductKey.Parse(key).Value;
        var forged = (int i) => new ProductKey(parsed.Type, parsed.Group, parsed.Serial, parsed.SecurityValue ^ (ulong)(i + 1)).ToString();
        (string, string) limit = ("Activations:MaxFailuresPerAddress", "3");
        await using var a = await ExtraNode.StartAsync(fixture, limit);
        await using var b = await ExtraNode.StartAsync(fixture, limit);

        Assert.Equal("KEY_UNKNOWN", await ActivateFromAsync(a.Client, "10.2.0.1", forged(0), "guess-0"));
        Assert.Equal("KEY_UNKNOWN", await ActivateFromAsync(b.Client, "10.2.0.1", forged(1), "guess-1"));
        Assert.Equal("RATE_LIMITED", await ActivateFromAsync(b.Client, "10.2.0.1", forged(2), "guess-2"));
        Assert.Equal("RATE_LIMITED", await ActivateFromAsync(a.Client, "10.2.0.1", forged(3), "guess-3"));
        // The same address (a NAT) with a real key, and a typo: not guesses.
        Assert.Equal("OK", await ActivateFromAsync(a.Client, "10.2.0.1", key, "real-device"));
        Assert.Equal("KEY_CHECKSUM", await ActivateFromAsync(a.Client, "10.2.0.1", key[..^1] + (key[^1] == 'B' ? 'C' : 'B'), "typo"));
        // Another address is not affected.
        Assert.Equal("KEY_UNKNOWN", await ActivateFromAsync(b.Client, "10.2.0.2", forged(4), "guess-4"));
        Assert.Equal(1, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task A_counter_idle_for_its_decay_period_starts_again_and_only_failures_write()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var throttle = new SharedThrottle(clock);
        var key = "test:" + Guid.NewGuid().ToString("N");
        var window = TimeSpan.FromMinutes(10);
        var results = await fixture.WithDbAsync(async db =>
        {
            var answers = new List<bool>();
            for (var i = 0; i < 3; i++)
            {
                answers.Add(await throttle.RecordFailureAsync(db, key, 3, window, _ => window, Ct));
            }

            answers.Add(await throttle.IsBlockedAsync(db, key, Ct));
            clock.Advance(window + TimeSpan.FromSeconds(1));
            answers.Add(await throttle.IsBlockedAsync(db, key, Ct));
            answers.Add(await throttle.RecordFailureAsync(db, key, 3, window, _ => window, Ct));
            return answers;
        });
        Assert.Equal([false, false, true, true, false, false], results);
        var row = await fixture.WithDbAsync(db => db.ThrottleCounters.AsNoTracking().SingleAsync(c => c.Key == key, Ct));
        Assert.Equal(1, row.Failures);
        Assert.Equal(0, row.BlockedUntil);
    }

    private static async Task<HttpResponseMessage> SignInFromAsync(HttpClient client, string address, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sessions") { Content = JsonContent.Create(new { user, password }) };
        request.Headers.Add("X-Forwarded-For", address);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<string> ActivateFromAsync(HttpClient client, string address, string key, string device)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/activations")
        {
            Content = JsonContent.Create(new { key, product = TestWorld.Desktop, hardwareId = ActivationWorld.Device(device, TestWorld.Desktop) }),
        };
        request.Headers.Add("X-Forwarded-For", address);
        using var response = await client.SendAsync(request, Ct);
        return response.IsSuccessStatusCode ? "OK" : await Problems.CodeAsync(response);
    }
}

public sealed class SqliteThrottleTests(SqliteFixture fixture) : ThrottleTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresThrottleTests(PostgresFixture fixture) : ThrottleTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
