using System.Net;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Keys;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

/// <summary>Publisher staff: metadata without plaintext, block/unblock, raise a MAK's limit; the last owner stays.</summary>
public abstract class PublisherKeyTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task Publisher_staff_see_key_metadata_but_never_the_plaintext()
    {
        var keys = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, $"/api/v1/keys?billingAccount={fixture.World.AccountA}"));
        Assert.NotEmpty(keys.EnumerateArray());
        Assert.All(keys.EnumerateArray(), k =>
        {
            Assert.False(k.TryGetProperty("key", out _));
            Assert.Equal(5, k.GetProperty("partialKey").GetString()!.Length);
        });
        var one = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, $"/api/v1/keys/{keys[0].GetProperty("id").GetGuid()}"));
        Assert.False(one.TryGetProperty("key", out _));
    }

    [Fact]
    public async Task Customers_cannot_use_the_publisher_endpoints()
    {
        var id = await MakIdAsync();
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.Owner, $"/api/v1/keys/{id}"), HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/keys/{id}/block", new { }), HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/keys/{id}/limit", new { activationLimit = 99 }), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Blocking_shows_in_the_customers_listing_and_unblocking_restores_it()
    {
        var id = await MakIdAsync();
        var blocked = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{id}/block", new { }));
        Assert.Equal("Blocked", blocked.GetProperty("status").GetString());
        Assert.Equal("Blocked", await StatusInListingAsync(id));

        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{id}/unblock", new { }));
        Assert.Equal("Active", await StatusInListingAsync(id));
    }

    [Fact]
    public async Task A_MAK_limit_can_be_raised_but_not_lowered_and_KMS_host_keys_keep_theirs()
    {
        var id = await MakIdAsync();
        var current = await fixture.WithDbAsync(db => db.Keys.Where(k => k.Id == id).Select(k => k.ActivationLimit).SingleAsync());
        var raised = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{id}/limit", new { activationLimit = current + 10 }));
        Assert.Equal(current + 10, raised.GetProperty("activationLimit").GetInt32());
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{id}/limit", new { activationLimit = current }),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders", new { product = TestWorld.Server, quantity = 1 });
        var host = await fixture.WithDbAsync(db => db.Keys.Where(k => k.Type == KeyType.KmsHost).Select(k => k.Id).FirstAsync());
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/keys/{host}/limit", new { activationLimit = 60 }),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task The_last_owner_can_be_neither_revoked_nor_demoted()
    {
        var roles = $"/api/v1/billing-accounts/{fixture.World.AccountB}/roles";
        await Problems.AssertAsync(await fixture.SendAsync(TestWorld.OtherOrgOwner, HttpMethod.Delete, $"{roles}/{TestWorld.OtherOrgOwner}"), HttpStatusCode.Conflict, "LAST_OWNER");
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.OtherOrgOwner, roles, new { user = TestWorld.OtherOrgOwner, role = "Reader" }), HttpStatusCode.Conflict, "LAST_OWNER");
    }

    [Fact]
    public async Task Owners_grant_and_revoke_roles()
    {
        var roles = $"/api/v1/billing-accounts/{fixture.World.AccountA}/roles";
        var granted = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Owner, roles, new { user = TestWorld.Target, role = "contributor" }));
        Assert.Equal("Contributor", granted.GetProperty("role").GetString());
        var list = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, roles));
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("user").GetString() == TestWorld.Target);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(TestWorld.Owner, HttpMethod.Delete, $"{roles}/{TestWorld.Target}")).StatusCode);
    }

    private Task<Guid> MakIdAsync() => fixture.WithDbAsync(db =>
        db.Keys.Where(k => k.BillingAccountId == fixture.World.AccountA && k.Type == KeyType.Mak).OrderBy(k => k.Serial).Select(k => k.Id).FirstAsync());

    private async Task<string?> StatusInListingAsync(Guid id)
    {
        var keys = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys"));
        return keys.EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == id).GetProperty("status").GetString();
    }
}

public sealed class SqlitePublisherKeyTests(SqliteFixture fixture) : PublisherKeyTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresPublisherKeyTests(PostgresFixture fixture) : PublisherKeyTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
