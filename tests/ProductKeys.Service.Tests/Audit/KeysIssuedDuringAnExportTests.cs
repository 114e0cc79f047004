using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using ProductKeys.Service.Tests.Infrastructure;
using ProductKeys.Service.Tests.Operations;

namespace ProductKeys.Service.Tests.Audit;

/// <summary>
/// An order placed between a view's audit entry and the read of its keys: the keys sent are exactly those the entry
/// counts. Found by a hostile review: 25 exports beside 25 orders with curl, one export audited as 70 keys sent 118.
/// The order is placed at that moment by listening to <c>pk_keys_disclosed</c>, which the service adds to once the
/// entry is committed and before the keys are read; the meter is process-wide, so this runs alone.
/// </summary>
[Collection(nameof(RunsAlone))]
public abstract class KeysIssuedDuringAnExportTests<TFixture>(TFixture fixture) where TFixture : ServiceFixture
{
    private const string Contributor = "BillingAdministrator-Contributor";

    [Theory]
    [InlineData("/product-keys", "keys.viewed")]
    [InlineData("/product-keys/export?format=json", "keys.exported.json")]
    [InlineData("/product-keys/export?format=csv", "keys.exported.csv")]
    public async Task Keys_of_an_order_placed_after_the_audit_entry_are_not_sent_with_it(string path, string action)
    {
        var account = fixture.World.AccountA;
        var before = await fixture.WithDbAsync(db => db.Keys.CountAsync(k => k.BillingAccountId == account));
        using var listener = PlaceAnOrderOnceDisclosed(before);

        var response = await fixture.GetAsync(Contributor, $"/api/v1/billing-accounts/{account}{path}");

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await fixture.WithDbAsync(db => db.Keys.CountAsync(k => k.BillingAccountId == account)) > before, "no order was placed meanwhile");
        var entry = await fixture.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == action).OrderByDescending(e => e.Sequence).FirstAsync());
        Assert.StartsWith($"{before} key(s):", entry.Detail, StringComparison.Ordinal);
        var sent = path.EndsWith("csv", StringComparison.Ordinal)
            ? body.TrimEnd('\n').Split('\n').Length - 1
            : System.Text.Json.JsonDocument.Parse(body).RootElement.GetArrayLength();
        Assert.Equal(before, sent);
    }

    /// <summary>Places an order, once, when the service counts <paramref name="count"/> keys disclosed.</summary>
    private MeterListener PlaceAnOrderOnceDisclosed(int count)
    {
        var placed = 0;
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ServiceMetrics.MeterName && instrument.Name == "pk_keys_disclosed")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (value == count && Interlocked.Exchange(ref placed, 1) == 0)
            {
                // On the request's own thread, between the audit entry and the read of the keys.
                using var order = fixture.PostJsonAsync(TestWorld.Owner, $"/api/v1/billing-accounts/{fixture.World.AccountA}/orders",
                    new { product = TestWorld.Desktop, quantity = 1 }).GetAwaiter().GetResult();
                Assert.Equal(HttpStatusCode.Created, order.StatusCode);
            }
        });
        listener.Start();
        return listener;
    }
}

public sealed class SqliteKeysIssuedDuringAnExportTests(SqliteFixture fixture)
    : KeysIssuedDuringAnExportTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresKeysIssuedDuringAnExportTests(PostgresFixture fixture)
    : KeysIssuedDuringAnExportTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;
