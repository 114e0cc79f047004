using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProductKeys.Client.Renewal;

namespace ProductKeys.Client.Hosting;

/// <summary>Runs <see cref="ProductLicense"/>'s renewal loop for the lifetime of the host.</summary>
internal sealed partial class LicenseRenewalService(ProductLicense license, ILogger<LicenseRenewalService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        license.CreateRenewal(Log).RunAsync(stoppingToken);

    private void Log(RenewalAttempt attempt)
    {
        if (attempt.Action == RenewalAction.Failed)
        {
            LogFailed(logger, license.ProductId, attempt.Refusal?.Code, attempt.Message, attempt.NextAttempt);
        }
        else
        {
            LogAttempt(logger, license.ProductId, attempt.Action, attempt.Message, attempt.NextAttempt);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "License {ProductId}: {Action}. {Detail} Next look {NextAttempt:u}.")]
    private static partial void LogAttempt(ILogger logger, string productId, RenewalAction action, string detail, DateTimeOffset? nextAttempt);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "License {ProductId}: renewal failed ({Code}). {Detail} Next attempt {NextAttempt:u}.")]
    private static partial void LogFailed(ILogger logger, string productId, string? code, string detail, DateTimeOffset? nextAttempt);
}
