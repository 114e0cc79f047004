using Microsoft.Extensions.Options;
using ProductKeys.Core.Errors;

namespace ProductKeys.Hosting;

/// <summary>
/// A setting a server refuses at start (a malformed <c>Metrics:AllowedNetworks</c>, <c>Proxies:Known</c>, sign-in limits, …,
/// from appsettings.json or <c>PK_</c> variables) is the operator's to fix: <c>VALIDATION_FAILED</c> naming it, not INTERNAL_ERROR.
/// </summary>
public static class SettingsFailure
{
    /// <summary>The refusal for options that failed their start-up validation, else <c>null</c>.</summary>
    public static Refusal? Explain(Exception exception)
    {
        var failures = exception switch
        {
            OptionsValidationException one => one.Failures,
            AggregateException { InnerExceptions: var all } when all.Count > 0 && all.All(e => e is OptionsValidationException) =>
                all.Cast<OptionsValidationException>().SelectMany(e => e.Failures),
            _ => null,
        };
        return failures is null
            ? null
            : new Refusal(ErrorCatalogue.ValidationFailed,
                $"A setting is wrong: {string.Join(" ", failures)} Correct it where it is set (appsettings.json, a PK_ environment variable) and start again.");
    }
}
