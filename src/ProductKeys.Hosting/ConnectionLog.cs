using Microsoft.Extensions.Logging;

namespace ProductKeys.Hosting;

/// <summary>
/// The lines an overloaded listener writes (category <c>ProductKeys.Hosting.Connections</c>): one when
/// the overload starts, one when it ends (<see cref="OverloadEpisode"/>). All warnings, so they show
/// where servers log warnings and up, and each end stands next to its start.
/// </summary>
internal static partial class ConnectionLog
{
    public const string Category = "ProductKeys.Hosting.Connections";

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning,
        Message = "Listener {Listener}: {Limit} connections open, its limit (Connections:Max, --max-connections); closing new connections at once until some end")]
    public static partial void Full(ILogger logger, string listener, long limit);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning,
        Message = "Listener {Listener}: accepting connections again ({Open} open); {Refused} were closed over the limit in the last {Seconds:0} s")]
    public static partial void NoLongerFull(ILogger logger, string listener, long open, long refused, double seconds);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning,
        Message = "Listener {Listener}: the server holds {Ceiling} connections, all its file limit allows less 512 descriptors kept for the runtime (raise LimitNOFILE or lower Connections:Max); closing new connections at once until some end")]
    public static partial void AtCeiling(ILogger logger, string listener, long ceiling);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Warning,
        Message = "Listener {Listener}: accepting connections again ({Open} open in the server); {Refused} were closed at the file limit in the last {Seconds:0} s")]
    public static partial void BelowCeiling(ILogger logger, string listener, long open, long refused, double seconds);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning,
        Message = "Listener {Listener}: out of file descriptors ({Error}); pausing accepts until the process has descriptors to spare (raise LimitNOFILE or lower Connections:Max)")]
    public static partial void OutOfFiles(ILogger logger, string listener, string error);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning,
        Message = "Listener {Listener}: accepting connections again; {Failed} connections were closed or accepts failed for want of file descriptors in the last {Seconds:0} s")]
    public static partial void FilesAgain(ILogger logger, string listener, long failed, double seconds);
}
