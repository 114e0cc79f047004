using Microsoft.AspNetCore.Http;
using ProductKeys.Core.Errors;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Portal;

/// <summary>
/// A browser reads portal pages (GET, HEAD) and sends their forms (POST); any other method is 405 with its code and an
/// <c>Allow</c> header, as the API answers. Razor Pages ran a page for OPTIONS or PUT with no handler and answered 200
/// with an empty body (found by a hostile review).
/// </summary>
internal static class PortalMethods
{
    public const string Allowed = "GET, HEAD, POST";

    public static Task RefuseOthersAsync(HttpContext context, RequestDelegate next)
    {
        var method = context.Request.Method;
        if (!PortalPaths.IsPortal(context.Request.Path) || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPost(method))
        {
            return next(context);
        }

        context.Response.Headers.Allow = Allowed;
        return ApiProblems.From(ErrorCatalogue.MethodNotAllowed, $"Portal pages answer {Allowed}; this request was {method}.").ExecuteAsync(context);
    }
}
