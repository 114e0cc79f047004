using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ProductKeys.Telemetry;

/// <summary>
/// How console logs are written: <c>Logging:Console:FormatterName</c> (or <c>--log-format</c>) is
/// <c>simple</c> (the default, for people), <c>json</c> (one JSON object a line, for log shippers) or
/// <c>systemd</c>. The slim hosts register the simple formatter themselves, which would override the
/// setting, so the choice is applied here.
/// </summary>
public static class ConsoleLogFormat
{
    /// <summary>The configuration key, as .NET names it.</summary>
    public const string Key = "Logging:Console:FormatterName";

    /// <summary>The formats a host accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["simple", "json", "systemd"];

    public static void Apply(ILoggingBuilder logging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        switch (configuration[Key]?.Trim().ToLowerInvariant())
        {
            case null or "" or "simple":
                return;
            case "json":
                logging.AddJsonConsole(json =>
                {
                    json.UseUtcTimestamp = true;
                    json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                });
                return;
            case "systemd":
                logging.AddSystemdConsole();
                return;
            default:
                throw new InvalidOperationException(
                    $"{Key} is '{configuration[Key]}': use one of {string.Join(", ", Names)} (e.g. --log-format json).");
        }
    }
}
