using Microsoft.Extensions.Logging;

namespace ProductKeys.Service.Orders;

internal static partial class OrderLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "{User} placed purchase {PurchaseId}: {Product} x{Quantity} in {Orders} order(s) for billing account {Account}")]
    public static partial void Placed(ILogger logger, string user, Guid purchaseId, string product, int quantity, int orders, Guid account);
}
