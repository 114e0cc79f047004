using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace ProductKeys.Hosting;

/// <summary>
/// A body whose Content-Type names a charset .NET cannot decode (<c>charset=foo</c>, <c>utf-7</c>, an empty
/// one) answers 415 with the catalogue's code, the same on every server of pk. Without this, reading it as
/// JSON throws an InvalidOperationException that no binding catches, and the client got a 500. A charset in quotes
/// (<c>charset="utf-8"</c>, the same charset as unquoted, RFC 9110 §5.6.6) is given to the endpoints unquoted: ASP.NET
/// Core's JSON reader looks the charset up as written, quotes and all, and threw the same exception.
/// </summary>
public static class RequestCharset
{
    /// <summary>Refuses requests with an unknown charset before any endpoint reads their body.</summary>
    public static WebApplication UseKnownRequestCharsets(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            if (Unknown(context.Request.ContentType) is { } charset)
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                var problem = new ProblemDetails
                {
                    Status = StatusCodes.Status415UnsupportedMediaType,
                    Detail = $"The body's charset '{Printable(charset)}' is not one this server reads: send UTF-8 (Content-Type: application/json; charset=utf-8).",
                };
                var problems = context.RequestServices.GetService<IProblemDetailsService>();
                if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
                {
                    await context.Response.WriteAsync(problem.Detail);
                }

                return;
            }

            if (Unquoted(context.Request.ContentType) is { } unquoted)
            {
                context.Request.ContentType = unquoted;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>The charset of <paramref name="contentType"/> when it names one that cannot be decoded; else null.</summary>
    public static string? Unknown(string? contentType)
    {
        // Most requests name no charset, or UTF-8 as every client of pk sends it: decided without parsing the header.
        if (string.IsNullOrEmpty(contentType) || !contentType.Contains("charset", StringComparison.OrdinalIgnoreCase)
            || contentType.Equals("application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase)
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return null;
        }

        // Only a charset parameter that is present counts; "charset=" with nothing after it is present and empty.
        var parameter = mediaType.Parameters.FirstOrDefault(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase));
        if (parameter is null)
        {
            return null;
        }

        var charset = HeaderUtilities.RemoveQuotes(parameter.Value).ToString();
        if (charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            _ = Encoding.GetEncoding(charset);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return charset;
        }
    }

    /// <summary>
    /// <paramref name="contentType"/> with its quoted charset written as the encoding's own name, unquoted
    /// (<c>application/json; charset=utf-8</c>); null when its charset is not quoted or cannot be decoded (see <see cref="Unknown"/>).
    /// </summary>
    public static string? Unquoted(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !contentType.Contains('"', StringComparison.Ordinal)
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || mediaType.Parameters.FirstOrDefault(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) is not { } parameter
            || !HeaderUtilities.IsQuoted(parameter.Value))
        {
            return null;
        }

        try
        {
            // The encoding's web name is a token, so the header needs no quotes; the media type's other parameters do not matter to a JSON body.
            return $"{mediaType.MediaType}; charset={Encoding.GetEncoding(HeaderUtilities.RemoveQuotes(parameter.Value).ToString()).WebName}";
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    // The charset is echoed: at most 40 characters, control characters replaced.
    private static string Printable(string charset)
    {
        var shown = charset.Length > 40 ? charset[..40] + "…" : charset;
        return new string([.. shown.Select(c => char.IsControl(c) ? '?' : c)]);
    }
}
