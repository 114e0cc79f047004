using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ProductKeys.Service;

/// <summary>
/// The service's one <see cref="Meter"/> and one <see cref="ActivitySource"/>: OpenTelemetry reads both
/// (Health/OperationsSetup, docs/adr/0023-observability-with-opentelemetry.md); /metrics shows the meter's
/// instruments as Prometheus text, OTLP carries them and the spans when a collector is configured.
/// </summary>
internal static class ServiceMetrics
{
    public const string MeterName = "ProductKeys.Service";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Spans around the work a request does that the HTTP span alone does not show (an activation).</summary>
    public static readonly ActivitySource Tracing = new(MeterName);

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("pk_http_requests", description: "HTTP requests answered, by status code.");

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("pk_http_request_duration_seconds", unit: "s", description: "Time to answer HTTP requests.");

    public static readonly Counter<long> SignInFailures = Meter.CreateCounter<long>("pk_sign_in_failures", description: "Failed sign-ins.");

    public static readonly Counter<long> OrdersPlaced = Meter.CreateCounter<long>("pk_orders_placed", description: "Orders placed.");

    public static readonly Counter<long> KeysIssued = Meter.CreateCounter<long>("pk_keys_issued", description: "Keys issued, by type.");

    public static readonly Counter<long> KeysDisclosed = Meter.CreateCounter<long>("pk_keys_disclosed", description: "Keys shown or exported to customers.");

    public static readonly Counter<long> Activations = Meter.CreateCounter<long>("pk_activations", description: "MAK, KMS host and CAL pack activation requests, by kind and result code.");

    public static readonly Histogram<double> ActivationDuration = Meter.CreateHistogram<double>("pk_activation_duration_seconds", unit: "s", description: "Time to decide an activation request (database and signing included), by kind and result code.");

    public static readonly Counter<long> AuditAppends = Meter.CreateCounter<long>("pk_audit_appends", description: "Audit entries written.");
}
