using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Keys;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Activations;

/// <summary>
/// CAL orders and POST /api/v1/cal-pack-activations on both providers (docs/product.md §5): packs of 500,
/// a MAK per order that installs on two CAL servers and never on a device, one mode per server.
/// </summary>
public abstract class CalPackActivationTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private const string DeviceCal = "test-device-cal";

    [Fact]
    public async Task Twelve_hundred_user_CALs_bought_with_split_are_three_packs_of_500_500_200_each_with_one_MAK_for_two_servers()
    {
        var purchase = await Problems.OkJsonAsync(
            await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders", new { product = TestWorld.Cal, quantity = 1200, split = true }),
            HttpStatusCode.Created);

        var orders = purchase.GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal([500, 500, 200], orders.Select(o => o.GetProperty("quantity").GetInt32()));
        var packages = orders.Select(o => o.GetProperty("keyPackages").EnumerateArray().Single()).ToList();
        Assert.All(packages, p => Assert.Equal(500, p.GetProperty("installedQuantity").GetInt32()));
        var keys = packages.Select(p => p.GetProperty("keys").EnumerateArray().Single()).ToList();
        Assert.All(keys, k => Assert.Equal("Mak", k.GetProperty("type").GetString()));
        Assert.All(keys, k => Assert.Equal(2, k.GetProperty("activationLimit").GetInt32()));
    }

    [Fact]
    public async Task A_CAL_MAK_never_activates_a_device()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Cal, 50);
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Cal, ActivationWorld.Device("pc", TestWorld.Cal)), HttpStatusCode.BadRequest, "KEY_WRONG_USE");
        Assert.Equal(0, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task A_200_CAL_pack_installs_showing_500_on_two_servers_again_on_the_same_for_free_and_refuses_a_third()
    {
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Cal, 200);
        using var first = SigningKey.Generate();
        using var second = SigningKey.Generate();
        using var third = SigningKey.Generate();

        var pack = await InstallAsync(key, "cals-first", first);
        Assert.Equal(200, pack.Purchased);
        Assert.Equal(500, pack.Installed);
        Assert.Equal(CalMode.PerUser, pack.Mode);
        Assert.Equal("cals-first", pack.ServerId);
        Assert.Equal(first.KeyId, pack.ServerPublicKey.KeyId);
        Assert.Equal(TestWorld.Cal, pack.ProductId);

        var again = await InstallAsync(key, "cals-first", first, installPurchased: true);
        Assert.Equal(200, again.Installed);
        Assert.Equal(pack.PackId, again.PackId);
        Assert.Equal(1, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());

        await InstallAsync(key, "cals-second", second);
        await Problems.AssertAsync(await PostAsync(key, "cals-third", third), HttpStatusCode.Conflict, "MAK_LIMIT_REACHED");
        await InstallAsync(key, "cals-second", second);
        Assert.Equal(2, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
        Assert.Equal(2, await fixture.WithDbAsync(db => db.CalPackInstallations.CountAsync(i => i.KeyId == keyId)));
    }

    [Fact]
    public async Task A_pack_installs_the_quantity_its_order_recorded_not_todays_pack_size_setting()
    {
        // An order placed while Orders:CalPackSize was 300 (its package says so); the setting is 500 now. The install
        // read the setting, so the order listing said 300 and the CAL server got 500.
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Cal, 200);
        await fixture.WithDbAsync(db => db.KeyPackages.Where(p => db.Keys.Any(k => k.Id == keyId && k.KeyPackageId == p.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.InstalledQuantity, 300)));
        using var server = SigningKey.Generate();

        var pack = await InstallAsync(key, "cals-recorded", server);

        Assert.Equal(300, pack.Installed);
        Assert.Equal(200, pack.Purchased);
    }

    [Fact]
    public async Task A_device_pack_on_a_server_holding_user_packs_is_a_mode_mismatch_and_consumes_nothing()
    {
        await EnsureDeviceCalProductAsync();
        var (_, userKey) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Cal, 10);
        var (deviceKeyId, deviceKey) = await ActivationWorld.OrderKeyAsync(fixture, DeviceCal, 10);
        using var server = SigningKey.Generate();
        var serverId = $"cals-{Guid.NewGuid():N}";

        await InstallAsync(userKey, serverId, server);
        await Problems.AssertAsync(await PostAsync(deviceKey, serverId, server), HttpStatusCode.Conflict, "CAL_MODE_MISMATCH");
        Assert.Equal(0, (await ActivationWorld.KeyAsync(fixture, deviceKeyId)).GetProperty("activationsUsed").GetInt32());

        var devicePack = await InstallAsync(deviceKey, $"cals-{Guid.NewGuid():N}", server);
        Assert.Equal(CalMode.PerDevice, devicePack.Mode);
    }

    [Fact]
    public async Task A_desktop_MAK_a_KMS_host_key_a_forged_or_blocked_CAL_MAK_and_bad_input_are_refused_with_their_codes()
    {
        var (_, desktop) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var (_, hostKey) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Server, 5, "KmsHost");
        var (keyId, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Cal, 5);
        var parsed = ProductKey.Parse(key).Value;
        var forged = new ProductKey(parsed.Type, parsed.Group, parsed.Serial, parsed.SecurityValue ^ 1).ToString();
        using var server = SigningKey.Generate();

        await Problems.AssertAsync(await PostAsync(desktop, "cals-x", server), HttpStatusCode.BadRequest, "KEY_NOT_FOR_PRODUCT");
        await Problems.AssertAsync(await PostAsync(hostKey, "cals-x", server), HttpStatusCode.BadRequest, "KEY_WRONG_USE");
        await Problems.AssertAsync(await PostAsync(forged, "cals-x", server), HttpStatusCode.BadRequest, "KEY_UNKNOWN");
        await Problems.AssertAsync(await PostAsync(key, "", server), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        // A NUL was 500 on PostgreSQL; a newline or a bidi override was stored, then printed in logs, the audit and the portal.
        foreach (var serverId in new[] { "cals\0x", "cals\nforged line", "cals\u202Ex" })
        {
            await Problems.AssertAsync(await PostAsync(key, serverId, server), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        }

        await Problems.AssertAsync(
            await fixture.Client.PostAsJsonAsync("/api/v1/cal-pack-activations", new { key, serverId = "cals-x", serverPublicKey = "not a key" }, TestContext.Current.CancellationToken),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{keyId}/block", new { }));
        await Problems.AssertAsync(await PostAsync(key, "cals-x", server), HttpStatusCode.Forbidden, "KEY_BLOCKED");
        Assert.Equal(0, (await ActivationWorld.KeyAsync(fixture, keyId)).GetProperty("activationsUsed").GetInt32());
    }

    [Fact]
    public async Task Products_carry_their_CAL_type_per_user_by_default_and_only_CAL_products_have_one()
    {
        await EnsureDeviceCalProductAsync();
        var products = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, "/api/v1/products"));
        Assert.Equal("PerDevice", products.EnumerateArray().Single(p => p.GetProperty("id").GetString() == DeviceCal).GetProperty("calType").GetString());
        Assert.Equal(JsonValueKind.Null, products.EnumerateArray().Single(p => p.GetProperty("id").GetString() == TestWorld.Desktop).GetProperty("calType").ValueKind);

        var unnamed = await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/products", new { id = "no-mode-cal", name = "No mode", category = "Cal", keyGroup = 2999 });
        Assert.True(unnamed.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, unnamed.StatusCode.ToString());
        Assert.Equal("PerUser", (await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, "/api/v1/products")))
            .EnumerateArray().Single(p => p.GetProperty("id").GetString() == "no-mode-cal").GetProperty("calType").GetString());
        await Problems.AssertAsync(
            await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/products", new { id = "both-cal", name = "Both", category = "Cal", keyGroup = 2997, calType = "Both" }),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await Problems.AssertAsync(
            await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/products", new { id = "moded-desktop", name = "Moded", category = "Desktop", keyGroup = 2998, calType = "PerUser" }),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    private async Task EnsureDeviceCalProductAsync()
    {
        var created = await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/products", new { id = DeviceCal, name = "Test Device CAL", category = "Cal", keyGroup = 2004, calType = "PerDevice" });
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, created.StatusCode.ToString());
    }

    private Task<HttpResponseMessage> PostAsync(string key, string serverId, SigningKey server, bool installPurchased = false) =>
        fixture.Client.PostAsJsonAsync("/api/v1/cal-pack-activations", new CalPackActivationRequest(key, serverId, server.PublicKey.ToPem(), installPurchased), TestContext.Current.CancellationToken);

    private async Task<CalPackCertificate> InstallAsync(string key, string serverId, SigningKey server, bool installPurchased = false)
    {
        var answer = await Problems.OkJsonAsync(await PostAsync(key, serverId, server, installPurchased));
        var published = await fixture.Client.GetFromJsonAsync<PublisherKeysResponse>("/api/v1/publisher-keys", TestContext.Current.CancellationToken);
        var trusted = new TrustedKeySet(published!.Keys.Select(k => TrustedKey.FromPem(k.Pem)));
        var pack = CalPackCertificate.Verify(answer.GetProperty("packCertificate").GetString(), trusted, TimeProvider.System);
        Assert.True(pack.IsSuccess, pack.Refusal?.ToString());
        return pack.Value;
    }
}

public sealed class SqliteCalPackActivationTests(SqliteFixture fixture) : CalPackActivationTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresCalPackActivationTests(PostgresFixture fixture) : CalPackActivationTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
