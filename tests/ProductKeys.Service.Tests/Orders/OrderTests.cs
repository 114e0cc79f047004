using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Core.Keys;
using ProductKeys.Service.Secrets;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Orders;

/// <summary>Orders through the API: which keys each product yields, limits, CAL packs and splits.</summary>
public abstract class OrderTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private const string Contributor = "BillingAdministrator-Contributor";

    [Fact]
    public async Task A_desktop_order_yields_one_MAK_with_headroom()
    {
        var purchase = await OrderAsync(new { product = TestWorld.Desktop, quantity = 100 });
        var order = Assert.Single(purchase.GetProperty("orders").EnumerateArray());
        var package = Assert.Single(order.GetProperty("keyPackages").EnumerateArray());
        Assert.Equal(100, package.GetProperty("installedQuantity").GetInt32());
        var key = Assert.Single(package.GetProperty("keys").EnumerateArray());
        Assert.Equal("Mak", key.GetProperty("type").GetString());
        Assert.Equal(125, key.GetProperty("activationLimit").GetInt32());
        Assert.False(key.TryGetProperty("key", out _), "An order never answers plaintext keys.");
    }

    [Fact]
    public async Task A_server_order_with_KMS_rights_also_yields_a_KMS_host_key_for_6_hosts()
    {
        var purchase = await OrderAsync(new { product = TestWorld.Server, quantity = 10 });
        var keys = purchase.GetProperty("orders")[0].GetProperty("keyPackages")[0].GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(["Mak", "KmsHost"], keys.Select(k => k.GetProperty("type").GetString()));
        Assert.Equal([15, 6], keys.Select(k => k.GetProperty("activationLimit").GetInt32()));
    }

    [Fact]
    public async Task A_CAL_order_yields_a_single_MAK_in_a_pack_of_500_whatever_the_quantity()
    {
        var purchase = await OrderAsync(new { product = TestWorld.Cal, quantity = 1200 });
        var order = Assert.Single(purchase.GetProperty("orders").EnumerateArray());
        Assert.Equal(1200, order.GetProperty("quantity").GetInt32());
        var package = Assert.Single(order.GetProperty("keyPackages").EnumerateArray());
        Assert.Equal(500, package.GetProperty("installedQuantity").GetInt32());
        Assert.Equal("Mak", Assert.Single(package.GetProperty("keys").EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_split_CAL_order_of_1200_becomes_orders_of_500_500_and_200_each_with_its_own_package()
    {
        var purchase = await OrderAsync(new { product = TestWorld.Cal, quantity = 1200, split = true });
        var orders = purchase.GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal([500, 500, 200], orders.Select(o => o.GetProperty("quantity").GetInt32()));
        Assert.Equal(3, orders.Select(o => o.GetProperty("keyPackages")[0].GetProperty("id").GetGuid()).Distinct().Count());
        Assert.All(orders, o => Assert.Equal("Mak", Assert.Single(o.GetProperty("keyPackages")[0].GetProperty("keys").EnumerateArray()).GetProperty("type").GetString()));
        Assert.Single(orders.Select(o => o.GetProperty("purchaseId").GetGuid()).Distinct());
    }

    [Fact]
    public async Task Listed_keys_are_real_keys_of_the_product_group_and_carry_the_purchased_quantity()
    {
        var purchase = await OrderAsync(new { product = TestWorld.Server, quantity = 7 });
        var orderId = purchase.GetProperty("orders")[0].GetProperty("id").GetGuid();
        var keys = await Problems.OkJsonAsync(await fixture.GetAsync(Contributor, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys"));
        var mine = keys.EnumerateArray().Where(k => k.GetProperty("orderId").GetGuid() == orderId).ToList();
        Assert.Equal(2, mine.Count);
        var secrets = fixture.App.Services.GetRequiredService<KeySecrets>();
        foreach (var row in mine)
        {
            var key = ProductKey.Parse(row.GetProperty("key").GetString()).Value;
            Assert.Equal(2002, key.Group);
            Assert.True(key.HasValidSecurityValue(secrets.GroupSecret(2002, 1)));
            Assert.Equal(row.GetProperty("type").GetString(), key.Type.ToString());
            Assert.Equal(7, row.GetProperty("purchasedQuantity").GetInt32());
            Assert.Equal(0, row.GetProperty("activationsUsed").GetInt32());
            Assert.Equal("Active", row.GetProperty("status").GetString());
            Assert.Equal(TestWorld.Server, row.GetProperty("product").GetString());
        }
    }

    [Fact]
    public async Task Orders_are_listed_for_any_role_holder_but_not_for_users_without_one()
    {
        var orders = await Problems.OkJsonAsync(await fixture.GetAsync("User-Reader", $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders"));
        Assert.NotEmpty(orders.EnumerateArray());
        await Problems.AssertAsync(await fixture.GetAsync("GlobalAdministrator-None", $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders"),
            HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    private async Task<JsonElement> OrderAsync(object body) =>
        await Problems.OkJsonAsync(await fixture.PostJsonAsync(Contributor, $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders", body), HttpStatusCode.Created);
}

public sealed class SqliteOrderTests(SqliteFixture fixture) : OrderTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresOrderTests(PostgresFixture fixture) : OrderTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
