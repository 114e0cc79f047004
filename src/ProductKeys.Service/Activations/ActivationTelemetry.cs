using System.Diagnostics;
using ProductKeys.Core.Errors;

namespace ProductKeys.Service.Activations;

/// <summary>
/// What every activation request leaves behind, the same for MAK, KMS host and CAL pack: a span
/// (<c>pk.activation</c>, when traces are exported), one count and one duration by kind and result code.
/// </summary>
internal static class ActivationTelemetry
{
    public const string SpanName = "pk.activation";
    public const string Mak = "mak";
    public const string KmsHost = "kms-host";
    public const string CalPack = "cal-pack";

    public static Activity? Start(string kind)
    {
        var span = ServiceMetrics.Tracing.StartActivity(SpanName);
        span?.SetTag("pk.activation.kind", kind);
        return span;
    }

    public static void Finish<T>(Activity? span, string kind, Outcome<T> outcome, long started)
    {
        var result = outcome.IsSuccess ? "OK" : outcome.Refusal.Code;
        var tags = new TagList { { "kind", kind }, { "result", result } };
        ServiceMetrics.Activations.Add(1, tags);
        ServiceMetrics.ActivationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        // A refusal is an answer, not a failure of the service: the span says which, its status stays unset.
        span?.SetTag("pk.activation.result", result);
    }
}
