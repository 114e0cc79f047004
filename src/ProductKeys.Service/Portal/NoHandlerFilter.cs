using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using ProductKeys.Core.Errors;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Portal;

/// <summary>
/// A request no handler of the page takes (a form posted to a page without forms, or <c>?handler=</c> naming no form of
/// it) is 405 <c>METHOD_NOT_ALLOWED</c> with <c>Allow: GET, HEAD</c>. Razor Pages rendered the page without running any
/// handler, 200: the staff catalog's table to a customer, "0 keys" under the key rule's heading (found by a hostile
/// review). Runs after antiforgery: a forged form still gets "This page expired".
/// </summary>
internal sealed class NoHandlerFilter : IAsyncPageFilter
{
    public const string Allowed = "GET, HEAD";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerMethod is not null)
        {
            return next();
        }

        context.HttpContext.Response.Headers.Allow = Allowed;
        context.Result = new Problem(ApiProblems.From(ErrorCatalogue.MethodNotAllowed,
            $"This page has no form to send here; it answers {Allowed}."));
        return Task.CompletedTask;
    }

    /// <summary>The API's problem (the portal's HTML page for a browser) as a page's result.</summary>
    private sealed class Problem(IResult problem) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => problem.ExecuteAsync(context.HttpContext);
    }
}
