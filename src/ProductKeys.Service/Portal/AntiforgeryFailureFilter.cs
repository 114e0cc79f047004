using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Core.Errors;

namespace ProductKeys.Service.Portal;

/// <summary>A form without a valid antiforgery token is refused with a code and words, not a bare 400.</summary>
internal sealed class AntiforgeryFailureFilter : IAsyncAlwaysRunResultFilter
{
    public const string Detail = "The form was sent without a valid antiforgery token (or it expired): reload the page and send it again.";

    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            var http = context.HttpContext;
            http.Response.StatusCode = ErrorCatalogue.ValidationFailed.HttpStatus;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = ErrorCatalogue.ValidationFailed.HttpStatus,
                    Title = ErrorCatalogue.ValidationFailed.Message,
                    Detail = Detail,
                    Extensions = { ["code"] = ErrorCatalogue.ValidationFailed.Code },
                },
            });
            context.Cancel = true;
            return;
        }

        await next();
    }
}
