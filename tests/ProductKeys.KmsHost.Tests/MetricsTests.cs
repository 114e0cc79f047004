using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace ProductKeys.KmsHost.Tests;

/// <summary>The KMS host's meter through OpenTelemetry: /metrics counts requests by result and times them in latency buckets.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"pk-kms-metrics-{Guid.NewGuid():N}");
    private readonly HttpClient _http = new();
    private WebApplication _app = null!;

    public async ValueTask InitializeAsync()
    {
        _app = KmsHostApp.Build(new KmsHostOptions { DataDirectory = _data }, ["http://127.0.0.1:0"], new FakeTimeProvider(HostFixture.Start)).Value;
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _http.BaseAddress = new Uri(KmsHostApp.Addresses(_app)[0]);
    }

    [Fact]
    public async Task A_refused_request_shows_in_the_request_counter_and_the_latency_histogram()
    {
        // The host's meter comes from its own IMeterFactory, but OpenTelemetry listens by meter name:
        // other hosts in this test process add to the same series, so compare before and after by at least one.
        var before = await ScrapeAsync();
        var request = new Core.Contracts.KmsActivationRequest("cmid-metrics", "contoso-desktop", "InitialGrace", HostFixture.HardwareFor(1), HostFixture.Start);
        using (await _http.PostAsJsonAsync(new Uri("/kms/v1/activate", UriKind.Relative), request, TestContext.Current.CancellationToken))
        {
        }

        var after = await ScrapeAsync();
        const string Requests = "pk_kms_requests_total{client_state=\"InitialGrace\",result=\"KMS_HOST_NOT_ACTIVATED\"}";
        const string Latency = "pk_kms_request_duration_seconds_bucket{result=\"KMS_HOST_NOT_ACTIVATED\",le=\"+Inf\"}";
        Assert.True(Value(after, Requests) >= Value(before, Requests) + 1, after);
        Assert.True(Value(after, Latency) >= Value(before, Latency) + 1, after);
        Assert.Contains("# TYPE pk_kms_request_duration_seconds histogram\n", after, StringComparison.Ordinal);
        Assert.Contains("pk_kms_request_duration_seconds_bucket{result=\"KMS_HOST_NOT_ACTIVATED\",le=\"0.005\"} ", after, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<string> ScrapeAsync() =>
        await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

    private static double Value(string page, string series) =>
        page.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
}
