using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;
using ProductKeys.Telemetry;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>/metrics is OpenTelemetry's aggregation in Prometheus text: an activation shows in its counter and latency buckets.</summary>
[Collection(nameof(RunsAlone))]
public sealed class MetricsTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private const string MakOk = "{kind=\"mak\",result=\"OK\"}";

    [Fact]
    public async Task An_activation_adds_one_to_its_counter_and_one_observation_to_its_latency_histogram()
    {
        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var before = await ScrapeAsync();

        await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device("metrics-1", TestWorld.Desktop)));
        var after = await ScrapeAsync();

        Assert.Equal(PrometheusPage.Value(before, "pk_activations_total" + MakOk) + 1, PrometheusPage.Value(after, "pk_activations_total" + MakOk));
        Assert.Equal(PrometheusPage.Value(before, "pk_activation_duration_seconds_count" + MakOk) + 1,
            PrometheusPage.Value(after, "pk_activation_duration_seconds_count" + MakOk));
        Assert.Contains("# TYPE pk_activation_duration_seconds histogram\n", after, StringComparison.Ordinal);
        // Every bucket of the latency view, cumulative, ending with +Inf = the count.
        foreach (var bound in LatencyBuckets.Boundaries)
        {
            Assert.Contains($"pk_activation_duration_seconds_bucket{{kind=\"mak\",result=\"OK\",le=\"{bound.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\"}} ", after, StringComparison.Ordinal);
        }

        Assert.Equal(PrometheusPage.Value(after, "pk_activation_duration_seconds_count" + MakOk),
            PrometheusPage.Value(after, "pk_activation_duration_seconds_bucket{kind=\"mak\",result=\"OK\",le=\"+Inf\"}"));
    }

    [Fact]
    public async Task A_refusal_is_counted_under_its_code_and_requests_under_their_status()
    {
        var before = await ScrapeAsync();
        await Problems.AssertAsync(await ActivationWorld.ActivateAsync(fixture.Client, "not a key", TestWorld.Desktop, ActivationWorld.Device("metrics-2", TestWorld.Desktop)),
            System.Net.HttpStatusCode.BadRequest, "KEY_MALFORMED");
        var after = await ScrapeAsync();

        const string Refused = "pk_activations_total{kind=\"mak\",result=\"KEY_MALFORMED\"}";
        Assert.Equal(PrometheusPage.Value(before, Refused) + 1, PrometheusPage.Value(after, Refused));
        Assert.True(PrometheusPage.Value(after, "pk_http_requests_total{status=\"400\"}") >= PrometheusPage.Value(before, "pk_http_requests_total{status=\"400\"}") + 1);
        // The runtime's own meter comes along: memory in bytes, as a gauge.
        Assert.Contains("# TYPE dotnet_process_memory_working_set_bytes gauge\n", after, StringComparison.Ordinal);
    }

    private async Task<string> ScrapeAsync()
    {
        var response = await fixture.GetAsync(null, "/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
