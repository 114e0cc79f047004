using Microsoft.Extensions.Logging;
using ProductKeys.Data.Accounts;

namespace ProductKeys.Service.Accounts;

internal static partial class AccountLog
{
    public const string Category = "ProductKeys.Service.Accounts";

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "{User} made {Target} {Role} of billing account {Account}")]
    public static partial void RoleGranted(ILogger logger, string user, string target, AccountRole role, Guid account);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "{User} removed {Target}'s role on billing account {Account}")]
    public static partial void RoleRevoked(ILogger logger, string user, string target, Guid account);
}
