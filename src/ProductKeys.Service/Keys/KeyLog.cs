using Microsoft.Extensions.Logging;
using ProductKeys.Data.Keys;

namespace ProductKeys.Service.Keys;

/// <summary>Key events. Keys appear only by their last five characters.</summary>
internal static partial class KeyLog
{
    public const string Category = "ProductKeys.Service.Keys";

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "{User} was shown {Count} key(s) of billing account {Account} ({Action})")]
    public static partial void Disclosed(ILogger logger, string user, long count, Guid account, string action);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{User} set key …{PartialKey} ({KeyId}) to {Status}")]
    public static partial void StatusChanged(ILogger logger, string user, string partialKey, Guid keyId, KeyStatus status);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "{User} raised MAK …{PartialKey} ({KeyId}) from {OldLimit} to {NewLimit}")]
    public static partial void LimitRaised(ILogger logger, string user, string partialKey, Guid keyId, int oldLimit, int newLimit);
}
