using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Core.Keys;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Api;

public abstract class ExportTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private const string Contributor = "BillingAdministrator-Contributor";

    [Fact]
    public async Task The_CSV_export_has_a_header_and_one_valid_key_per_line()
    {
        var response = await fixture.GetAsync(Contributor, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).TrimEnd('\n').Split('\n');
        Assert.Equal("id,key,type,product,orderId,purchasedQuantity,activationsUsed,activationLimit,status", lines[0]);
        Assert.Equal(await KeyCountAsync(), lines.Length - 1);
        Assert.All(lines.Skip(1), line => Assert.True(ProductKey.Parse(line.Split(',')[1]).IsSuccess, line));
    }

    [Fact]
    public async Task The_JSON_export_matches_the_listing()
    {
        var path = $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys";
        var listing = await Problems.OkJsonAsync(await fixture.GetAsync(Contributor, path));
        var export = await Problems.OkJsonAsync(await fixture.GetAsync(Contributor, path + "/export?format=json"));
        Assert.Equal(listing.GetRawText(), export.GetRawText());
        Assert.Equal(await KeyCountAsync(), export.GetArrayLength());
        var first = export[0];
        foreach (var field in new[] { "id", "key", "type", "product", "orderId", "activationsUsed", "activationLimit", "status" })
        {
            Assert.True(first.TryGetProperty(field, out _), $"missing {field}");
        }

        Assert.Equal(JsonValueKind.String, first.GetProperty("key").ValueKind);
    }

    private Task<int> KeyCountAsync() => fixture.WithDbAsync(db => db.Keys.CountAsync(k => k.BillingAccountId == fixture.World.AccountA));
}

public sealed class SqliteExportTests(SqliteFixture fixture) : ExportTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresExportTests(PostgresFixture fixture) : ExportTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
