using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, metrics, traces and logs go to that collector by OTLP.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task An_activation_reaches_the_collector_as_a_span_a_metric_and_the_nodes_logs()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var node = new SqliteFixture
        {
            ExtraConfiguration = new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["Logging:LogLevel:Default"] = "Information",
            },
        };
        try
        {
            await node.InitializeAsync();
            var (_, key) = await ActivationWorld.OrderKeyAsync(node, TestWorld.Desktop, 5);
            await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(node.Client, key, TestWorld.Desktop, ActivationWorld.Device("otlp-1", TestWorld.Desktop)));
        }
        finally
        {
            // Stopping the node flushes what it has not yet sent (spans in batches, metrics every minute).
            await node.DisposeAsync();
        }

        Assert.True(collector.Holds("traces", "pk.activation"), Describe(collector));
        Assert.True(collector.Holds("traces", "pk-server"), Describe(collector));
        Assert.True(collector.Holds("metrics", "pk_activations"), Describe(collector));
        Assert.True(collector.Holds("metrics", "pk_activation_duration_seconds"), Describe(collector));
        Assert.True(collector.Holds("logs", "pk-server"), Describe(collector));
    }

    private static string Describe(OtlpCollector collector) =>
        "received: " + string.Join(", ", collector.Received.Select(r => $"{r.Signal} ({r.Body.Length} bytes)"));
}
