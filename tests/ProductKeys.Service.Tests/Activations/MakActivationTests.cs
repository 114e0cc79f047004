using System.Net;
using System.Text.Json;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>POST /api/v1/activations on both providers: limits, free re-activation, every refusal.</summary>
public abstract class MakActivationTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private static readonly HardwareComponents Laptop = new()
    {
        MachineId = "m-1", ProductUuid = "u-1", BoardSerial = "b-1", DiskSerials = ["d-1"], NetworkAdapters = ["aa:bb:cc:00:11:22"], Cpu = "cpu",
    };

    [Fact]
    public async Task A_device_gets_a_certificate_that_verifies_against_the_published_keys()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var device = ActivationWorld.Device("laptop-1", TestWorld.Desktop);
        var answer = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, device));

        var published = await fixture.Client.GetFromJsonAsync<PublisherKeysResponse>("/api/v1/publisher-keys", TestContext.Current.CancellationToken);
        var trusted = new TrustedKeySet(published!.Keys.Select(k => TrustedKey.FromPem(k.Pem)));
        var certificate = ActivationCertificate.Verify(answer.GetProperty("certificate").GetString(), trusted, TimeProvider.System);
        Assert.True(certificate.IsSuccess, certificate.Refusal?.ToString());
        Assert.Equal(device, certificate.Value.HardwareId);
        Assert.Equal(TestWorld.Desktop, certificate.Value.ProductId);
        Assert.Equal(keyId.ToString(), certificate.Value.KeyId);
        Assert.DoesNotContain(key.Replace("-", "", StringComparison.Ordinal), certificate.Value.Text, StringComparison.Ordinal);
        Assert.Equal(1, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task Activation_ids_are_time_ordered_so_their_rows_append_to_the_index()
    {
        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var answer = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device($"ordered-{i}", TestWorld.Desktop)));
            ids.Add(Guid.Parse(answer.GetProperty("activationId").GetString()!));
        }

        // UUID version 7 (RFC 9562): a millisecond timestamp first, then random bits (not guessable).
        Assert.All(ids, id => Assert.Equal(7, id.Version));
        var timestamps = ids.Select(id => id.ToString("N")[..12]).ToList();
        Assert.Equal(timestamps.Order(StringComparer.Ordinal), timestamps);
    }

    [Fact]
    public async Task The_same_device_again_or_within_tolerance_costs_nothing_and_a_significant_change_costs_one()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var original = HardwareId.Create(Laptop, TestWorld.Desktop).Value.ToString();
        var newAdapter = HardwareId.Create(Laptop with { NetworkAdapters = ["aa:bb:cc:99:99:99"] }, TestWorld.Desktop).Value.ToString();
        var newBoardAndDisk = HardwareId.Create(Laptop with { BoardSerial = "b-2", DiskSerials = ["d-2"] }, TestWorld.Desktop).Value.ToString();

        var first = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, original));
        var again = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, original));
        var tolerated = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, newAdapter));
        Assert.True(again.GetProperty("reactivation").GetBoolean());
        Assert.True(tolerated.GetProperty("reactivation").GetBoolean());
        Assert.Equal(first.GetProperty("activationId").GetString(), tolerated.GetProperty("activationId").GetString());
        Assert.Equal(1, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());

        var changed = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, newBoardAndDisk));
        Assert.False(changed.GetProperty("reactivation").GetBoolean());
        Assert.Equal(2, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task A_hardware_ID_without_a_machine_ID_is_refused_and_consumes_nothing()
    {
        // Disks and adapters of 16 machines and nothing else: the kinds it leaves out would not vote, so one
        // certificate would pass as "the same device" on each of the 16 (found by a hostile review).
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var sixteen = Enumerable.Range(0, 16).ToList();
        var crafted = HardwareId.Create(new HardwareComponents
        {
            DiskSerials = [.. sixteen.Select(i => $"disk-{i}")], NetworkAdapters = [.. sixteen.Select(i => $"aa:bb:cc:00:00:{i:x2}")],
        }, TestWorld.Desktop).Value.ToString();

        var refused = await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, crafted);

        var problem = await Problems.OkJsonAsync(refused, HttpStatusCode.BadRequest);
        Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
        Assert.Contains("machine ID", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());

        // A device's own hardware ID (machine ID included) and an operator device ID activate.
        await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, HardwareId.Create(Laptop, TestWorld.Desktop).Value.ToString()));
        await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device("no-machine-id", TestWorld.Desktop)));
        Assert.Equal(2, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task The_limit_holds_and_raising_it_lets_the_next_device_in()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 1); // limit max(ceil(1.25), 6) = 6
        for (var i = 0; i < 6; i++)
        {
            await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device($"limit-{i}", TestWorld.Desktop)));
        }

        var seventh = ActivationWorld.Device("limit-6", TestWorld.Desktop);
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, seventh), HttpStatusCode.Conflict, "MAK_LIMIT_REACHED");
        Assert.Equal(6, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());

        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{keyId}/limit", new { activationLimit = 7 }));
        await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, seventh));
        Assert.Equal(7, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task Every_refusal_has_its_code_and_consumes_nothing()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var device = ActivationWorld.Device("refusals", TestWorld.Desktop);
        var parsed = ProductKey.Parse(key).Value;
        var forged = new ProductKey(parsed.Type, parsed.Group, parsed.Serial, parsed.SecurityValue ^ 1).ToString();
        var setup = await ProductKeysOf(TestWorld.Desktop, "setupKey");
        var kmsClient = await ProductKeysOf(TestWorld.Desktop, "kmsClientSetupKey");
        var typo = key[..^1] + (key[^1] == 'B' ? 'C' : 'B');

        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, forged, TestWorld.Desktop, device), HttpStatusCode.BadRequest, "KEY_UNKNOWN");
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, typo, TestWorld.Desktop, device), HttpStatusCode.BadRequest, "KEY_CHECKSUM");
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, "not a key", TestWorld.Desktop, device), HttpStatusCode.BadRequest, "KEY_MALFORMED");
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, setup, TestWorld.Desktop, device), HttpStatusCode.BadRequest, "SETUP_KEY_CANNOT_ACTIVATE");
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, kmsClient, TestWorld.Desktop, device), HttpStatusCode.BadRequest, "KMS_CLIENT_KEY_ONLINE");
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Server, device), HttpStatusCode.BadRequest, "KEY_NOT_FOR_PRODUCT");
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, "hw1.garbage"), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(await fixture.Client.PostAsJsonAsync("/api/v1/activations", new { key, product = 5 }, TestContext.Current.CancellationToken), HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{keyId}/block", new { }));
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, device), HttpStatusCode.Forbidden, "KEY_BLOCKED");

        Assert.Equal(0, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
        Assert.Equal(0, await fixture.WithDbAsync(db => db.MakActivations.CountAsync(a => a.KeyId == keyId)));
    }

    [Fact]
    public async Task A_KMS_host_key_sent_as_a_device_key_is_the_wrong_use()
    {
        var (_, hostKey) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Server, 5, "KmsHost");
        await Problems.AssertAsync(
            await ActivationWorld.ActivateAsync(fixture.Client, hostKey, TestWorld.Server, ActivationWorld.Device("host-as-device", TestWorld.Server)),
            HttpStatusCode.BadRequest, "KEY_WRONG_USE");
    }

    [Fact]
    public async Task The_key_listing_shows_activations_used_live()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        for (var i = 0; i < 3; i++)
        {
            await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device($"live-{i}", TestWorld.Desktop)));
        }

        var listing = await Problems.OkJsonAsync(await fixture.GetAsync(ActivationWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys"));
        var row = listing.EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == keyId);
        Assert.Equal(3, row.GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public void Failed_guesses_count_per_client_and_IPv6_per_64()
    {
        var partition = (string address) => Service.Activations.GuessThrottle.Partition(IPAddress.Parse(address));
        Assert.Equal(partition("10.0.0.1"), partition("::ffff:10.0.0.1"));
        Assert.NotEqual(partition("10.0.0.1"), partition("10.0.0.2"));
        Assert.Equal(partition("2001:db8:1:2::1"), partition("2001:db8:1:2::99"));
        Assert.NotEqual(partition("2001:db8:1:2::1"), partition("2001:db8:1:3::1"));
    }

    [Fact]
    public async Task An_offline_batch_with_one_device_twice_with_drifted_hardware_activates_it_once()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var before = HardwareId.Create(Laptop with { MachineId = "batch-m" }, TestWorld.Desktop).Value.ToString();
        var after = HardwareId.Create(Laptop with { MachineId = "batch-m", NetworkAdapters = ["aa:bb:cc:55:55:55"] }, TestWorld.Desktop).Value.ToString();
        var request = (string hardwareId) => new { format = "pk-offline-request-v1", product = TestWorld.Desktop, key, hardwareId, createdAt = DateTimeOffset.UnixEpoch };
        var answer = await Problems.OkJsonAsync(await fixture.PostJsonAsync(ActivationWorld.Owner, "/api/v1/offline-activations",
            new { requests = new[] { request(before), request(after), request(before) } }));
        Assert.All(answer.GetProperty("responses").EnumerateArray(), r => Assert.Equal(JsonValueKind.String, r.GetProperty("certificate").ValueKind));
        Assert.Equal(1, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task An_offline_batch_never_says_whether_a_forged_key_exists_in_another_account()
    {
        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var parsed = ProductKey.Parse(key).Value;
        var forged = new ProductKey(parsed.Type, parsed.Group, parsed.Serial, parsed.SecurityValue ^ 1).ToString();
        var answer = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.OtherOrgOwner, "/api/v1/offline-activations",
            new { requests = new[] { new { format = "pk-offline-request-v1", product = TestWorld.Desktop, key = forged, hardwareId = ActivationWorld.Device("probe", TestWorld.Desktop) } } }));
        Assert.Equal("KEY_UNKNOWN", answer.GetProperty("responses")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(TestWorld.OtherOrgOwner, "KEY_UNKNOWN")] // as a forgery: NOT_FOUND named the key's billing account
    [InlineData("GlobalAdministrator-Reader", "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR")]
    [InlineData("User-Owner", "FORBIDDEN_NOT_BILLING_ADMIN")]
    public async Task An_offline_batch_activates_a_real_key_only_for_those_the_key_rule_lets_see_it(string user, string code)
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);

        var answer = await Problems.OkJsonAsync(await fixture.PostJsonAsync(user, "/api/v1/offline-activations",
            new { requests = new[] { new { format = "pk-offline-request-v1", product = TestWorld.Desktop, key, hardwareId = ActivationWorld.Device("not-theirs", TestWorld.Desktop) } } }));

        Assert.Equal(code, answer.GetProperty("responses")[0].GetProperty("code").GetString());
        Assert.Equal(0, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
    }

    private async Task<string> ProductKeysOf(string product, string field)
    {
        var products = await Problems.OkJsonAsync(await fixture.GetAsync(ActivationWorld.Owner, "/api/v1/products"));
        return products.EnumerateArray().Single(p => p.GetProperty("id").GetString() == product).GetProperty(field).GetString()!;
    }
}

public sealed class SqliteMakActivationTests(SqliteFixture fixture) : MakActivationTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresMakActivationTests(PostgresFixture fixture) : MakActivationTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
