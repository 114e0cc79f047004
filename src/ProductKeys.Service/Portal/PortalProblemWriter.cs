using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ProductKeys.Service.Portal;

/// <summary>
/// Problem details for a browser on a portal page: the same code, title and detail the API answers,
/// as an HTML page in words, never a stack trace. The API's paths keep their JSON problems. The service's
/// customization (the code and detail of a bare status, such as a 404 of an unknown address) runs here too: the
/// framework runs it only in its own JSON writer.
/// </summary>
internal sealed class PortalProblemWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    /// <summary>Registered before the JSON writer, which would otherwise answer browsers too (they accept */*).</summary>
    public static void AddFirst(IServiceCollection services) =>
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, PortalProblemWriter>());

    public bool CanWrite(ProblemDetailsContext context)
    {
        var request = context.HttpContext.Request;
        return PortalPaths.IsPortal(request.Path)
            && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        options.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        var code = problem.Extensions.TryGetValue("code", out var c) ? c?.ToString() : null;
        var html = HtmlEncoder.Default;
        var body = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{html.Encode(PortalText.Heading(code, problem.Title))}} – ProductKeys</title>
            <link rel="stylesheet" href="{{PortalPaths.Assets}}/portal.css"></head>
            <body><main class="page">
            <h1>{{html.Encode(PortalText.Heading(code, problem.Title))}}</h1>
            <div class="problem" role="alert" data-code="{{html.Encode(code ?? "")}}"><p>{{html.Encode(problem.Detail ?? problem.Title ?? "")}}</p>
            <p class="code">Code: <code>{{html.Encode(code ?? "")}}</code> (HTTP {{problem.Status}})</p></div>
            <p><a href="{{PortalPaths.Home}}">Back to the portal</a></p>
            </main></body></html>
            """;
        var response = context.HttpContext.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers[HeaderNames.CacheControl] = "no-store";
        return new ValueTask(response.WriteAsync(body, context.HttpContext.RequestAborted));
    }
}
