using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using ProductKeys.Service.Tests.Activations;
using ProductKeys.Service.Tests.Infrastructure;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>An activation is one span, <c>pk.activation</c>, collected here by OpenTelemetry's in-memory exporter.</summary>
public sealed class TracingTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task An_activation_is_a_span_with_its_kind_result_and_activation_id()
    {
        var (_, key) = await ActivationWorld.OrderKeyAsync(fixture, TestWorld.Desktop, 5);
        var spans = new List<Activity>();
        string activationId;
        // Every span is kept (no sampling): other hosts in this test process may be tracing their requests too.
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(ServiceMetrics.MeterName).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans).Build())
        {
            var answer = await Problems.OkJsonAsync(await ActivationWorld.ActivateAsync(fixture.Client, key, TestWorld.Desktop, ActivationWorld.Device("traced-1", TestWorld.Desktop)));
            activationId = answer.GetProperty("activationId").GetString()!;
            tracing.ForceFlush();
        }

        var span = Assert.Single(spans, s => s.GetTagItem("pk.activation.id") as string == activationId);
        Assert.Equal("pk.activation", span.OperationName);
        Assert.Equal("mak", span.GetTagItem("pk.activation.kind"));
        Assert.Equal("OK", span.GetTagItem("pk.activation.result"));
        Assert.Equal(false, span.GetTagItem("pk.activation.reactivation"));
        Assert.NotEqual(ActivityStatusCode.Error, span.Status);
        Assert.True(span.Duration > TimeSpan.Zero);
    }
}
