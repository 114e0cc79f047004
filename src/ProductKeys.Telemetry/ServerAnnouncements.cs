using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ProductKeys.Telemetry;

/// <summary>
/// What a server says to its operator on stdout ("listening on …", its TLS pin, the demo's sign-in, "stopped"):
/// the lines as they are, or, with <c>--log-format json</c>, log entries of their own, so that stdout stays one
/// JSON object a line for a log shipper.
/// </summary>
public sealed partial class ServerAnnouncements
{
    /// <summary>The category the lines are logged under in JSON.</summary>
    public const string Category = "ProductKeys.Announcements";

    private readonly ILogger? _json;
    private readonly TextWriter _output;

    public ServerAnnouncements(IConfiguration configuration, ILoggerFactory loggers, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(loggers);
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _json = string.Equals(configuration[ConsoleLogFormat.Key]?.Trim(), "json", StringComparison.OrdinalIgnoreCase)
            ? loggers.CreateLogger(Category)
            : null;
    }

    /// <summary>Says <paramref name="line"/> (several lines in one entry when it holds line breaks).</summary>
    public void Say(string line)
    {
        if (_json is not null)
        {
            LogAnnouncement(_json, line);
        }
        else
        {
            _output.WriteLine(line);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Announcement}")]
    private static partial void LogAnnouncement(ILogger logger, string announcement);

    /// <summary>Flushes what was said on stdout (log entries are written by the logger as it goes).</summary>
    public void Flush() => _output.Flush();
}
