using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

/// <summary>Publisher staff add products, organizations, users and billing accounts; a new customer then orders and sees keys.</summary>
public abstract class OnboardingTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task A_new_customer_is_onboarded_orders_and_sees_its_keys()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var product = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/products",
            new { id = $"onboard-{suffix}", name = "Onboard Server", category = "Server", keyGroup = 30_000 + Random.Shared.Next(100_000), yieldsKmsHostKey = true }), HttpStatusCode.Created);
        Assert.Equal(5, product.GetProperty("kmsThreshold").GetInt32());
        Assert.Equal(["Mak", "KmsHost"], product.GetProperty("orderYields").EnumerateArray().Select(t => t.GetString()));

        var org = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/organizations", new { name = $"Northwind {suffix}" }), HttpStatusCode.Created);
        var orgId = org.GetProperty("id").GetGuid();
        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/organizations/{orgId}/users",
            new { name = $"nw-admin-{suffix}", password = "long enough password", directoryRole = "GlobalAdministrator" }), HttpStatusCode.Created);
        var account = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, $"/api/v1/organizations/{orgId}/billing-accounts",
            new { name = "Northwind EA", owner = $"nw-admin-{suffix}" }), HttpStatusCode.Created);
        var accountId = account.GetProperty("id").GetGuid();

        var session = await Problems.OkJsonAsync(await fixture.PostJsonAsync(null, "/api/v1/sessions", new { user = $"nw-admin-{suffix}", password = "long enough password" }));
        var token = session.GetProperty("token").GetString();
        await Problems.OkJsonAsync(await SendAsync(token, HttpMethod.Post, $"/api/v1/billing-accounts/{accountId}/orders", new { product = $"onboard-{suffix}", quantity = 50 }), HttpStatusCode.Created);
        var keys = await Problems.OkJsonAsync(await SendAsync(token, HttpMethod.Get, $"/api/v1/billing-accounts/{accountId}/product-keys", null));
        Assert.Equal(2, keys.GetArrayLength());

        // The new organization's account is invisible to organization A.
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{accountId}/product-keys"), HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("Contoso")]
    [InlineData("Fabrikam \U0001F680")] // outside the BMP: two UTF-16 units, one character to the database
    [InlineData("Café Ünïcode")]
    [InlineData("Cafe\u0301 decomposed")] // é as e + a combining accent: the second create sends the composed é
    public async Task An_organization_name_is_taken_whatever_its_case_and_a_second_create_changes_nothing(string prefix)
    {
        var name = $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];
        var first = await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/organizations", new { name }), HttpStatusCode.Created);
        var before = await fixture.WithDbAsync(db => db.Organizations.CountAsync(TestContext.Current.CancellationToken));

        using var again = await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/organizations", new { name = $"  {name.Normalize(NormalizationForm.FormC).ToUpperInvariant()} " });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var problem = JsonDocument.Parse(await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("CONFLICT", problem.RootElement.GetProperty("code").GetString());
        Assert.Contains(first.GetProperty("id").GetString()!, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.WithDbAsync(db => db.Organizations.CountAsync(TestContext.Current.CancellationToken)));
        var listed = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, "/api/v1/organizations"));
        Assert.Single(listed.EnumerateArray(), o => string.Equals(o.GetProperty("name").GetString(), name.Normalize(NormalizationForm.FormC), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Global_administrators_add_users_to_their_own_organization_only()
    {
        var orgA = await fixture.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Name == TestWorld.Owner).OrganizationId!.Value));
        var orgB = await fixture.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Name == TestWorld.OtherOrgOwner).OrganizationId!.Value));
        var name = $"new-{Guid.NewGuid():N}"[..20];
        var body = new { name, password = "long enough password", directoryRole = "BillingAdministrator" };

        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/organizations/{orgA}/users", body), HttpStatusCode.Created);
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/organizations/{orgA}/users", body), HttpStatusCode.Conflict, "CONFLICT");
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/organizations/{orgB}/users", body with { }), HttpStatusCode.NotFound, "NOT_FOUND");
        await Problems.AssertAsync(await fixture.PostJsonAsync("BillingAdministrator-Owner", $"/api/v1/organizations/{orgA}/users", new { name = name + "x", password = "long enough password", directoryRole = "User" }),
            HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/organizations/{orgA}/users", new { name = name + "y", password = "long enough password", directoryRole = "PublisherAdmin" }),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Customers_cannot_create_products_organizations_or_accounts()
    {
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, "/api/v1/products", new { id = "x-product", name = "X", category = "Desktop", keyGroup = 99 }), HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, "/api/v1/organizations", new { name = "Mine" }), HttpStatusCode.Forbidden, "FORBIDDEN");
        var orgA = await fixture.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Name == TestWorld.Owner).OrganizationId!.Value));
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/organizations/{orgA}/billing-accounts", new { name = "More", owner = TestWorld.Owner }), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task A_key_group_or_product_id_is_never_reused() =>
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Publisher, "/api/v1/products",
            new { id = "another-desktop", name = "Another", category = "Desktop", keyGroup = 2001 }), HttpStatusCode.Conflict, "CONFLICT");

    private async Task<HttpResponseMessage> SendAsync(string? token, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}

public sealed class SqliteOnboardingTests(SqliteFixture fixture) : OnboardingTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresOnboardingTests(PostgresFixture fixture) : OnboardingTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
