using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Core.Errors;

namespace ProductKeys.Service.Portal;

/// <summary>
/// A form without a valid antiforgery token (a page left open until its token or session expired, a form from before
/// a sign-in or sign-out, a forged post) gets the portal's "This page expired" page, 400 with its code, and a link to
/// the page to open again — never a bare 400 or problem JSON. The form's handler never runs: nothing is changed.
/// </summary>
internal sealed class AntiforgeryFailureFilter : IAsyncAlwaysRunResultFilter
{
    public const string View = "/Portal/Pages/Shared/_PageExpired.cshtml";

    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            var http = context.HttpContext;
            var again = PortalPaths.IsPortal(http.Request.Path) ? http.Request.Path.Value! + Reopened(http.Request.Query) : PortalPaths.Home;
            context.Result = new ViewResult
            {
                ViewName = View,
                StatusCode = ErrorCatalogue.ValidationFailed.HttpStatus,
                ViewData = new ViewDataDictionary(http.RequestServices.GetRequiredService<IModelMetadataProvider>(), context.ModelState)
                {
                    Model = new PageExpired(ErrorCatalogue.ValidationFailed.Code, again),
                },
            };
        }

        await next();
    }

    /// <summary>The page's own query (its filters and page number) for the link, without the form's handler.</summary>
    private static string Reopened(IQueryCollection query)
    {
        var kept = query.Where(q => !string.Equals(q.Key, "handler", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)));
        return QueryString.Create(kept).ToUriComponent();
    }
}
