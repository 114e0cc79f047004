using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Usage;

/// <summary>
/// POST /api/v1/usage-reports and GET /api/v1/billing-accounts/{id}/usage-reports on both providers (docs/product.md §5):
/// the chain is verified with the publisher's own keys; uncertified, replayed and older reports are refused and change nothing;
/// the latest per server is shown to the account's key viewers, not to another organization.
/// </summary>
public abstract class UsageReportUploadTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    [Fact]
    public async Task A_certified_report_is_stored_once_with_its_account_and_the_latest_per_server_is_shown()
    {
        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Cal, 200);
        using var server = SigningKey.Generate();
        var serverId = $"cals-{Guid.NewGuid():N}";
        var pack = await InstallAsync(key, serverId, server);

        var older = Report(server, serverId, pack, used: 7, new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddHours(-1)));
        var report = Report(server, serverId, pack, used: 9, TimeProvider.System);
        var stored = await Problems.OkJsonAsync(await UploadAsync(TestWorld.Owner, report));
        Assert.Equal(fixture.World.AccountA, stored.GetProperty("billingAccountId").GetGuid());

        await Problems.AssertAsync(await UploadAsync(TestWorld.Owner, report), HttpStatusCode.Conflict, "CONFLICT");
        await Problems.AssertAsync(await UploadAsync(TestWorld.Owner, older), HttpStatusCode.Conflict, "CONFLICT");
        await Problems.AssertAsync(await UploadAsync(TestWorld.OtherOrgOwner, Report(server, serverId, pack, used: 11, TimeProvider.System)), HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(1, await fixture.WithDbAsync(db => db.UsageReports.CountAsync(r => r.ServerId == serverId)));

        var shown = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/usage-reports"));
        var line = shown.EnumerateArray().Single(r => r.GetProperty("serverId").GetString() == serverId).GetProperty("lines")[0];
        Assert.Equal((200, 500, 9), (line.GetProperty("purchased").GetInt32(), line.GetProperty("installed").GetInt32(), line.GetProperty("used").GetInt32()));
        await Problems.AssertAsync(await fixture.GetAsync(TestWorld.OtherOrgOwner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/usage-reports"), HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(TestWorld.Publisher, $"/api/v1/billing-accounts/{fixture.World.AccountA}/usage-reports")).StatusCode);
    }

    [Fact]
    public async Task Reports_of_uncertified_servers_and_edited_reports_are_SIGNATURE_INVALID_and_store_nothing()
    {
        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Cal, 10);
        using var server = SigningKey.Generate();
        using var impostor = SigningKey.Generate();
        using var stranger = SigningKey.Generate();
        var serverId = $"cals-{Guid.NewGuid():N}";
        var pack = await InstallAsync(key, serverId, server);

        // Another key with the real pack certificate; a pack certificate the impostor signed itself; an edited byte.
        var uncertified = Report(impostor, serverId, pack, used: 1, TimeProvider.System);
        var selfPack = CalPackCertificate.Issue(new ArtifactSigner(stranger, TimeProvider.System), pack.PackId, pack.ProductId, pack.Mode, 5000, 5000, serverId, impostor.PublicKey.ToPem());
        var selfCertified = Report(impostor, serverId, selfPack, used: 1, TimeProvider.System);
        var honest = Report(server, serverId, pack, used: 1, TimeProvider.System);
        var edited = honest[..^5] + (honest[^5] == 'A' ? 'B' : 'A') + honest[^4..];
        foreach (var text in new[] { uncertified, selfCertified, edited, "PKA1.garbage" })
        {
            await Problems.AssertAsync(await UploadAsync(TestWorld.Owner, text), HttpStatusCode.BadRequest, "SIGNATURE_INVALID");
        }

        await Problems.AssertAsync(await UploadAsync(TestWorld.Owner, ""), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(0, await fixture.WithDbAsync(db => db.UsageReports.CountAsync(r => r.ServerId == serverId)));
    }

    [Fact]
    public async Task Another_organizations_reports_under_the_same_server_id_neither_block_nor_reveal_ours()
    {
        // Server IDs are the server's own choice: another customer's CAL server may use ours, by chance or on purpose.
        var serverId = $"cals-{Guid.NewGuid():N}";
        var (_, ourKey) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Cal, 200);
        using var ours = SigningKey.Generate();
        var ourPack = await InstallAsync(ourKey, serverId, ours);
        using var theirs = SigningKey.Generate();
        var theirPack = await InstallAsync(await OtherOrganizationsCalKeyAsync(), serverId, theirs);

        await Problems.OkJsonAsync(await UploadAsync(TestWorld.OtherOrgOwner, Report(theirs, serverId, theirPack, used: 3, TimeProvider.System)));
        var earlier = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddHours(-1));
        var answer = await UploadAsync(TestWorld.Owner, Report(ours, serverId, ourPack, used: 9, earlier));

        // Before: 409 CONFLICT "Server '…' uploaded a report signed at <their time>": their upload blocked ours and told us when.
        var stored = await Problems.OkJsonAsync(answer);
        Assert.Equal(fixture.World.AccountA, stored.GetProperty("billingAccountId").GetGuid());
        var shown = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/usage-reports"));
        Assert.Equal(9, shown.EnumerateArray().Single(r => r.GetProperty("serverId").GetString() == serverId).GetProperty("lines")[0].GetProperty("used").GetInt32());
    }

    private async Task<string> OtherOrganizationsCalKeyAsync()
    {
        var account = fixture.World.AccountB;
        await Problems.OkJsonAsync(await fixture.PostJsonAsync(TestWorld.OtherOrgOwner, $"/api/v1/billing-accounts/{account}/orders", new { product = TestWorld.Cal, quantity = 50 }), HttpStatusCode.Created);
        var keys = await Problems.OkJsonAsync(await fixture.GetAsync(TestWorld.OtherOrgOwner, $"/api/v1/billing-accounts/{account}/product-keys"));
        return keys.EnumerateArray().Last(k => k.GetProperty("product").GetString() == TestWorld.Cal).GetProperty("key").GetString()!;
    }

    private static string Report(SigningKey server, string serverId, CalPackCertificate pack, int used, TimeProvider time) =>
        UsageReport.Issue(new ArtifactSigner(server, time), UsageReport.CalServerSource, serverId, pack.IssuedAt,
            [new UsageLine(pack.ProductId, pack.Mode.ToString(), pack.Purchased, pack.Installed, used, 0)], [pack.Text]);

    private Task<HttpResponseMessage> UploadAsync(string user, string report) =>
        fixture.PostJsonAsync(user, "/api/v1/usage-reports", new { report });

    private async Task<CalPackCertificate> InstallAsync(string key, string serverId, SigningKey server)
    {
        var answer = await Problems.OkJsonAsync(await fixture.Client.PostAsJsonAsync(
            "/api/v1/cal-pack-activations", new CalPackActivationRequest(key, serverId, server.PublicKey.ToPem(), false), TestContext.Current.CancellationToken));
        var published = await fixture.Client.GetFromJsonAsync<PublisherKeysResponse>("/api/v1/publisher-keys", TestContext.Current.CancellationToken);
        var pack = CalPackCertificate.Verify(answer.GetProperty("packCertificate").GetString(), new TrustedKeySet(published!.Keys.Select(k => TrustedKey.FromPem(k.Pem))), TimeProvider.System);
        Assert.True(pack.IsSuccess, pack.Refusal?.ToString());
        return pack.Value;
    }
}

public sealed class SqliteUsageReportUploadTests(SqliteFixture fixture) : UsageReportUploadTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresUsageReportUploadTests(PostgresFixture fixture) : UsageReportUploadTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
