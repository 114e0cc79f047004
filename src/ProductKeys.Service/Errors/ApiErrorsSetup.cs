using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

using ProductKeys.Core.Errors;

namespace ProductKeys.Service.Errors;

internal static class ApiErrorsSetup
{
    /// <summary>JSON APIs take small bodies; larger ones answer 413 before they are read.</summary>
    public const long MaxRequestBodyBytes = AdminApi.ApiLimits.MaxRequestBodyBytes;

    public static IServiceCollection AddApiErrors(this IServiceCollection services)
    {
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                var error = ErrorCatalogue.ForHttpStatus(status);
                context.ProblemDetails.Extensions["code"] = error.Code;
                context.ProblemDetails.Detail ??= error.Message;
            }
        });
        // Binding failures throw BadHttpRequestException so the handler above answers them with a code.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseApiErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxRequestBodyBytes)
            {
                await ApiProblems.From(Core.Errors.ErrorCatalogue.PayloadTooLarge,
                    $"The body has {context.Request.ContentLength} bytes; the limit is {MaxRequestBodyBytes}.").ExecuteAsync(context);
                return;
            }

            // Bodies without a length (chunked) are cut off at the same limit while they are read.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxRequestBodyBytes;
            }

            await next(context);
        });
        return app;
    }
}
