using System.Net;
using ProductKeys.Core.Keys;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

/// <summary>POST /api/v1/keys/lookup (pk mak count): the key rule from the key itself; forgeries and other customers' keys are unknown.</summary>
public abstract class KeyLookupTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Theory]
    [InlineData("BillingAdministrator-Contributor", HttpStatusCode.OK, null)]
    [InlineData("GlobalAdministrator-Owner", HttpStatusCode.OK, null)]
    [InlineData(TestWorld.Publisher, HttpStatusCode.OK, null)]
    [InlineData("BillingAdministrator-Reader", HttpStatusCode.Forbidden, "FORBIDDEN_NOT_ACCOUNT_OWNER_OR_CONTRIBUTOR")]
    [InlineData("User-Owner", HttpStatusCode.Forbidden, "FORBIDDEN_NOT_BILLING_ADMIN")]
    [InlineData(TestWorld.OtherOrgOwner, HttpStatusCode.BadRequest, "KEY_UNKNOWN")]
    public async Task A_key_lookup_follows_the_key_rule(string user, HttpStatusCode status, string? code)
    {
        var response = await fixture.PostJsonAsync(user, "/api/v1/keys/lookup", new { key = await AnyKeyAsync() });
        if (code is null)
        {
            var metadata = await Problems.OkJsonAsync(response);
            Assert.False(metadata.TryGetProperty("key", out _));
            Assert.Equal("Mak", metadata.GetProperty("type").GetString());
        }
        else
        {
            await Problems.AssertAsync(response, status, code);
        }
    }

    [Fact]
    public async Task Typos_malformed_keys_and_forgeries_get_their_codes()
    {
        var key = await AnyKeyAsync();
        var typo = key[..^1] + (key[^1] == 'B' ? 'C' : 'B');
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, "/api/v1/keys/lookup", new { key = typo }), HttpStatusCode.BadRequest, "KEY_CHECKSUM");
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, "/api/v1/keys/lookup", new { key = "hello" }), HttpStatusCode.BadRequest, "KEY_MALFORMED");
        var parsed = ProductKey.Parse(key).Value;
        var forged = ProductKey.Derive(parsed.Type, parsed.Group, parsed.Serial, new byte[32]).ToString();
        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, "/api/v1/keys/lookup", new { key = forged }), HttpStatusCode.BadRequest, "KEY_UNKNOWN");
    }

    [Theory]
    [InlineData("setupKey")]
    [InlineData("kmsClientSetupKey")]
    public async Task A_public_setup_key_is_the_wrong_use_not_unknown(string field)
    {
        var products = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, "/api/v1/products"));
        var key = products.EnumerateArray().Select(p => p.GetProperty(field)).First(k => k.ValueKind == System.Text.Json.JsonValueKind.String).GetString();

        await Problems.AssertAsync(await fixture.PostJsonAsync(TestWorld.Owner, "/api/v1/keys/lookup", new { key }), HttpStatusCode.BadRequest, "KEY_WRONG_USE");
    }

    private async Task<string> AnyKeyAsync()
    {
        var keys = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys"));
        return keys[0].GetProperty("key").GetString()!;
    }
}

public sealed class SqliteKeyLookupTests(SqliteFixture fixture) : KeyLookupTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresKeyLookupTests(PostgresFixture fixture) : KeyLookupTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
