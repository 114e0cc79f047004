using System.Net;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Access;

/// <summary>Every directory role × every account role (and none) × the key and admin endpoints, over HTTP.</summary>
public abstract class KeyRuleMatrixTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Theory]
    [MemberData(nameof(KeyRuleCases.Matrix), MemberType = typeof(KeyRuleCases))]
    public async Task Each_role_combination_gets_exactly_what_the_rules_allow(DirectoryRole directory, AccountRole? account, string endpoint)
    {
        var response = await CallAsync(TestWorld.UserName(directory, account), endpoint, fixture.World.AccountA);
        var (status, code) = Expected(directory, account, endpoint);
        if (code is null)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        }
        else
        {
            await Problems.AssertAsync(response, status, code);
        }
    }

    [Theory]
    [MemberData(nameof(KeyRuleCases.EndpointNames), MemberType = typeof(KeyRuleCases))]
    public async Task Another_organizations_account_is_not_found_even_for_its_peers_in_role(string endpoint) =>
        await Problems.AssertAsync(await CallAsync(TestWorld.Owner, endpoint, fixture.World.AccountB), HttpStatusCode.NotFound, "NOT_FOUND");

    [Theory]
    [MemberData(nameof(KeyRuleCases.EndpointNames), MemberType = typeof(KeyRuleCases))]
    public async Task Without_a_token_every_endpoint_answers_401(string endpoint)
    {
        var response = endpoint switch
        {
            "keys-list" => await fixture.GetAsync(null, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys"),
            "keys-export" => await fixture.GetAsync(null, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys/export"),
            "orders-create" => await fixture.PostJsonAsync(null, $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders", new { product = TestWorld.Desktop, quantity = 1 }),
            _ => await fixture.PostJsonAsync(null, $"/api/v1/billing-accounts/{fixture.World.AccountA}/roles", new { user = TestWorld.Target, role = "Reader" }),
        };
        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task Publisher_staff_never_see_plaintext_keys_of_a_customer() =>
        await Problems.AssertAsync(await CallAsync(TestWorld.Publisher, "keys-list", fixture.World.AccountA), HttpStatusCode.Forbidden, "FORBIDDEN_NOT_BILLING_ADMIN");

    [Fact]
    public async Task Publisher_staff_refused_plaintext_keys_are_not_told_to_ask_a_Global_administrator_in_any_part_of_the_problem()
    {
        // The detail already pointed staff to key metadata; the problem's title still said "ask a Global administrator", whom staff do not have.
        var response = await CallAsync(TestWorld.Publisher, "keys-list", fixture.World.AccountA);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        await Problems.AssertAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN_NOT_BILLING_ADMIN");
        Assert.DoesNotContain("ask a Global administrator", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("pk keys list --metadata", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accounts_listing_shows_only_the_accounts_the_caller_holds_a_role_on()
    {
        var mine = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, "/api/v1/billing-accounts"));
        Assert.Equal([fixture.World.AccountA], mine.EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));
        Assert.Equal("Owner", mine[0].GetProperty("role").GetString());

        var none = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.UserName(DirectoryRole.GlobalAdministrator, null), "/api/v1/billing-accounts"));
        Assert.Empty(none.EnumerateArray());

        var publisher = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, "/api/v1/billing-accounts"));
        Assert.Contains(fixture.World.AccountB, publisher.EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));
    }

    /// <summary>The rules of docs/product.md §6 and §9, written out independently of the service's code.</summary>
    private static (HttpStatusCode Status, string? Code) Expected(DirectoryRole directory, AccountRole? account, string endpoint)
    {
        var admin = directory is DirectoryRole.BillingAdministrator or DirectoryRole.GlobalAdministrator;
        var ownerOrContributor = account is AccountRole.Owner or AccountRole.Contributor;
        return endpoint switch
        {
            "keys-list" or "keys-export" when !admin => (HttpStatusCode.Forbidden, "FORBIDDEN_NOT_BILLING_ADMIN"),
            "keys-list" or "keys-export" when !ownerOrContributor => (HttpStatusCode.Forbidden, "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR"),
            "keys-list" or "keys-export" => (HttpStatusCode.OK, null),
            "orders-create" when !ownerOrContributor => (HttpStatusCode.Forbidden, "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR"),
            "orders-create" => (HttpStatusCode.Created, null),
            _ when account is not AccountRole.Owner => (HttpStatusCode.Forbidden, "FORBIDDEN"),
            _ => (HttpStatusCode.OK, null),
        };
    }

    private Task<HttpResponseMessage> CallAsync(string user, string endpoint, Guid account) => endpoint switch
    {
        "keys-list" => fixture.GetAsync(user, $"/api/v1/billing-accounts/{account}/product-keys"),
        "keys-export" => fixture.GetAsync(user, $"/api/v1/billing-accounts/{account}/product-keys/export?format=csv"),
        "orders-create" => fixture.PostJsonAsync(user, $"/api/v1/billing-accounts/{account}/orders", new { product = TestWorld.Desktop, quantity = 1 }),
        _ => fixture.PostJsonAsync(user, $"/api/v1/billing-accounts/{account}/roles", new { user = TestWorld.Target, role = "Reader" }),
    };
}

public sealed class SqliteKeyRuleMatrixTests(SqliteFixture fixture) : KeyRuleMatrixTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresKeyRuleMatrixTests(PostgresFixture fixture) : KeyRuleMatrixTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
