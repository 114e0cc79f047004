using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;

namespace ProductKeys.Service.Errors;

/// <summary>
/// The one handler for the unexpected. Input the framework could not bind becomes 400/413/415 with a
/// code; anything else is a bug and answers 500 INTERNAL_ERROR without details.
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
            _ => (ErrorCatalogue.Internal, ErrorCatalogue.Internal.Message),
        };
        if (error == ErrorCatalogue.Internal)
        {
            LogUnexpected(logger, exception, httpContext.Request.Method, Hosting.LogText.Safe(httpContext.Request.Path.ToString()));
        }

        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = error.HttpStatus;
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

    private static string Describe(JsonException json) =>
        json.Path is { Length: > 0 } path ? $"The JSON body is not valid at {path}: check the field's type." : "The body is not valid JSON.";

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unexpected failure answering {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
