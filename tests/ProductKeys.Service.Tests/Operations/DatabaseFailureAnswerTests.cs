using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ProductKeys.Core.Errors;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Tests.Operations;

/// <summary>
/// What the one exception handler answers for each kind of database failure (ADR 0029): an outage
/// 503 DATABASE_UNREACHABLE with Retry-After, contention 409 CONFLICT, anything else 500.
/// </summary>
public sealed class DatabaseFailureAnswerTests
{
    [Fact]
    public async Task An_outage_is_503_DATABASE_UNREACHABLE_with_Retry_After_1()
    {
        var (status, code, retryAfter) = await AnswerAsync(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"));
        Assert.Equal((503, ErrorCatalogue.DatabaseUnreachable.Code, "1"), (status, code, retryAfter));
    }

    [Fact]
    public async Task A_deadlock_is_409_CONFLICT_to_retry_without_Retry_After()
    {
        var (status, code, retryAfter) = await AnswerAsync(new PostgresException("deadlock detected", "ERROR", "ERROR", "40P01"));
        Assert.Equal((409, ErrorCatalogue.Conflict.Code, ""), (status, code, retryAfter));
    }

    [Fact]
    public async Task Any_other_database_error_is_still_500()
    {
        var (status, code, _) = await AnswerAsync(new PostgresException("relation does not exist", "ERROR", "ERROR", "42P01"));
        Assert.Equal((500, ErrorCatalogue.Internal.Code), (status, code));
    }

    private static async Task<(int Status, string Code, string RetryAfter)> AnswerAsync(Exception exception)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new ApiExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<ApiExceptionHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context, exception, TestContext.Current.CancellationToken));

        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        return (context.Response.StatusCode, problem.RootElement.GetProperty("code").GetString()!, context.Response.Headers.RetryAfter.ToString());
    }
}
