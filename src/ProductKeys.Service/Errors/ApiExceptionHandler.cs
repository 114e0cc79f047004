using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Data;

namespace ProductKeys.Service.Errors;

/// <summary>
/// The one handler for the unexpected. Input the framework could not bind becomes 400/413/415 with a
/// code; a database that cannot be reached answers 503 DATABASE_UNREACHABLE with <c>Retry-After: 1</c>,
/// and a transaction PostgreSQL stopped for a deadlock or serialization failure 409 CONFLICT — both
/// are retried, neither is a bug (docs/adr/0029-load-balancer-and-outages.md); anything else is a bug
/// and answers 500 INTERNAL_ERROR without details.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (error, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => (ErrorCatalogue.PayloadTooLarge, ErrorCatalogue.PayloadTooLarge.Message),
            BadHttpRequestException { StatusCode: 415 } => (ErrorCatalogue.UnsupportedMediaType, ErrorCatalogue.UnsupportedMediaType.Message),
            BadHttpRequestException { InnerException: JsonException json } => (ErrorCatalogue.ValidationFailed, Describe(json)),
            BadHttpRequestException => (ErrorCatalogue.ValidationFailed, "The request body is missing or is not the JSON object this endpoint takes."),
            JsonException json => (ErrorCatalogue.ValidationFailed, Describe(json)),
            _ when DatabaseOutage.IsOutage(exception) => (ErrorCatalogue.DatabaseUnreachable, UnreachableDetail),
            _ when DatabaseOutage.IsContention(exception) => (ErrorCatalogue.Conflict, ContentionDetail),
            _ => (ErrorCatalogue.Internal, ErrorCatalogue.Internal.Message),
        };
        var path = Hosting.LogText.Safe(httpContext.Request.Path.ToString());
        if (error == ErrorCatalogue.Internal)
        {
            LogUnexpected(logger, exception, httpContext.Request.Method, path);
        }
        else if (error == ErrorCatalogue.DatabaseUnreachable)
        {
            // The pooled connections died with the database; without this each would fail one more request once it is back.
            DatabaseOutage.ForgetPooledConnections();
            LogUnreachable(logger, httpContext.Request.Method, path, DatabaseOutage.Find(exception)!.Message);
        }
        else if (error == ErrorCatalogue.Conflict)
        {
            LogContention(logger, httpContext.Request.Method, path, exception.Message);
        }

        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = error.HttpStatus;
        if (error == ErrorCatalogue.DatabaseUnreachable)
        {
            // A restart of PostgreSQL takes seconds: clients and load balancers come back in one.
            httpContext.Response.Headers.RetryAfter = "1";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = error.HttpStatus,
                Title = error.Message,
                Detail = detail,
                Extensions = { ["code"] = error.Code },
            },
        });
    }

    private const string UnreachableDetail =
        "The licensing database does not answer at the moment (restarting, or out of reach of this node): retry in a second.";

    private const string ContentionDetail =
        "The database stopped this request's transaction because another request changed the same data at the same moment (a deadlock or serialization failure); nothing of that transaction was kept: retry.";

    private static string Describe(JsonException json) =>
        json.Path is { Length: > 0 } path ? $"The JSON body is not valid at {path}: check the field's type." : "The body is not valid JSON.";

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unexpected failure answering {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);

    // Without the stack trace: during an outage every request says the same, and the cause is one line.
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Database unreachable answering {Method} {Path}: {Cause}")]
    private static partial void LogUnreachable(ILogger logger, string method, string path, string cause);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Database contention answering {Method} {Path}: {Cause}")]
    private static partial void LogContention(ILogger logger, string method, string path, string cause);
}
