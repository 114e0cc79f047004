using System.Net;
using System.Text.Json;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Access;

/// <summary>Billing profiles: account roles apply to every profile; profile roles add to them; owners grant.</summary>
public abstract class ProfileTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task Profile_roles_add_to_account_roles_and_only_owners_grant_them()
    {
        var profiles = $"/api/v1/billing-accounts/{fixture.World.AccountA}/profiles";
        var created = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Owner, profiles, new { name = "Invoices EMEA" }), HttpStatusCode.Created);
        var profileId = created.GetProperty("id").GetGuid();
        Assert.Equal("Owner", RoleOn(await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, profiles)), profileId));
        Assert.Equal("Reader", RoleOn(await Problems.OkJsonAsync(await fixture.GetAsync("User-Reader", profiles)), profileId));

        await Problems.AssertAsync(await fixture.PostJsonAsync("BillingAdministrator-Contributor", $"{profiles}/{profileId}/roles", new { user = TestWorld.Target, role = "InvoiceManager" }),
            HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"{profiles}/{profileId}/roles", new { user = TestWorld.Target, role = "InvoiceManager" }));

        var seen = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Target, profiles));
        Assert.Equal("InvoiceManager", RoleOn(seen, profileId));
        // A profile role is not an account role: the key rule and orders are unchanged.
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.Target, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys"),
            HttpStatusCode.Forbidden, "FORBIDDEN_NOT_BILLING_ADMIN");

        // An account Reader who owns the profile may grant on it.
        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"{profiles}/{profileId}/roles", new { user = "BillingAdministrator-Reader", role = "Owner" }));
        await Problems.OkJsonAsync(await fixture.PostJsonAsync("BillingAdministrator-Reader", $"{profiles}/{profileId}/roles", new { user = TestWorld.Target, role = "Contributor" }));
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(TestWorld.Owner, HttpMethod.Delete, $"{profiles}/{profileId}/roles/{TestWorld.Target}")).StatusCode);
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.Target, profiles), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Profiles_of_another_organization_are_not_found() =>
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountB}/profiles"), HttpStatusCode.NotFound, "NOT_FOUND");

    private static string? RoleOn(JsonElement profiles, Guid id) =>
        profiles.EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == id).GetProperty("role").GetString();
}

public sealed class SqliteProfileTests(SqliteFixture fixture) : ProfileTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresProfileTests(PostgresFixture fixture) : ProfileTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
