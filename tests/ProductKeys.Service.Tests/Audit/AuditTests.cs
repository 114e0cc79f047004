using System.Net;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Audit;

/// <summary>Every view and export is audited; the chain finds a changed or deleted entry.</summary>
public abstract class AuditTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private const string Contributor = "BillingAdministrator-Contributor";

    [Theory]
    [InlineData("product-keys", "keys.viewed")]
    [InlineData("product-keys/export?format=csv", "keys.exported.csv")]
    [InlineData("product-keys/export?format=json", "keys.exported.json")]
    public async Task Viewing_or_exporting_keys_writes_who_what_and_which_keys(string path, string action)
    {
        var response = await fixture.GetAsync(Contributor, $"/api/v1/billing-accounts/{fixture.World.AccountA}/{path}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var partials = await fixture.WithDbAsync(db => db.Keys.Where(k => k.BillingAccountId == fixture.World.AccountA).Select(k => k.PartialKey).ToListAsync());

        var entries = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, "/api/v1/audit?limit=10000"));
        var last = entries.EnumerateArray().Last();
        Assert.Equal(action, last.GetProperty("action").GetString());
        Assert.Equal(Contributor, last.GetProperty("actor").GetString());
        Assert.Equal($"billing-account:{fixture.World.AccountA}", last.GetProperty("subject").GetString());
        Assert.All(partials, p => Assert.Contains(p, last.GetProperty("detail").GetString()!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_view_discloses_nothing_and_is_not_a_view()
    {
        var before = await fixture.WithDbAsync(db => db.AuditEntries.CountAsync());
        await fixture.GetAsync("BillingAdministrator-Reader", $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys");
        Assert.Equal(before, await fixture.WithDbAsync(db => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task Verify_finds_a_changed_entry_and_a_deleted_entry_by_sequence_number()
    {
        await fixture.GetAsync(Contributor, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys");
        await fixture.GetAsync(Contributor, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys");
        await AssertVerifiesAsync(true, null);
        var victim = await fixture.WithDbAsync(db => db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).Skip(1).FirstAsync());

        await fixture.WithDbAsync(db => db.AuditEntries.Where(e => e.Sequence == victim.Sequence)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Detail, "nothing happened here")));
        await AssertVerifiesAsync(false, victim.Sequence);

        await fixture.WithDbAsync(db => db.AuditEntries.Where(e => e.Sequence == victim.Sequence)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Detail, victim.Detail)));
        await AssertVerifiesAsync(true, null);

        await fixture.WithDbAsync(db => db.AuditEntries.Where(e => e.Sequence == victim.Sequence).ExecuteDeleteAsync());
        await AssertVerifiesAsync(false, victim.Sequence);

        await fixture.WithDbAsync(async db =>
        {
            db.AuditEntries.Add(victim);
            return await db.SaveChangesAsync();
        });
        await AssertVerifiesAsync(true, null);
    }

    [Fact]
    public async Task Verify_finds_deleted_newest_entries()
    {
        await fixture.GetAsync(Contributor, $"/api/v1/billing-accounts/{fixture.World.AccountA}/product-keys");
        var newest = await fixture.WithDbAsync(db => db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync());
        await fixture.WithDbAsync(db => db.AuditEntries.Where(e => e.Sequence == newest.Sequence).ExecuteDeleteAsync());
        await AssertVerifiesAsync(false, newest.Sequence);
        await fixture.WithDbAsync(async db =>
        {
            db.AuditEntries.Add(newest);
            return await db.SaveChangesAsync();
        });
        await AssertVerifiesAsync(true, null);
    }

    [Fact]
    public async Task Only_publisher_staff_read_the_audit_log()
    {
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.Owner, "/api/v1/audit"), HttpStatusCode.Forbidden, "FORBIDDEN");
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.Owner, "/api/v1/audit/verify"), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    private async Task AssertVerifiesAsync(bool valid, long? brokenAt)
    {
        var result = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Publisher, "/api/v1/audit/verify"));
        Assert.True(valid == result.GetProperty("valid").GetBoolean(), result.ToString());
        if (brokenAt is { } sequence)
        {
            Assert.Equal(sequence, result.GetProperty("firstBrokenSequence").GetInt64());
            Assert.Contains(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), result.GetProperty("problem").GetString()!, StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteAuditTests(SqliteFixture fixture) : AuditTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresAuditTests(PostgresFixture fixture) : AuditTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
