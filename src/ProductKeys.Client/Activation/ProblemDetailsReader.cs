using System.Net;
using System.Text.Json;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Activation;

/// <summary>
/// The one way ProductKeys clients (this library and <c>pk</c>) turn a service's error answer into a
/// <see cref="Refusal"/>, so the same answer always means the same code and exit code.
/// </summary>
/// <remarks>
/// An RFC 9457 problem with a known <c>code</c> is that refusal. A problem with a code this version does
/// not know gets the catalogue's entry for its status. An answer without a code did not come from a
/// ProductKeys service: a server error is SERVICE_UNAVAILABLE, 429 is RATE_LIMITED, anything else
/// SERVICE_UNREACHABLE (a wrong URL, a proxy's page). A request that got no answer at all is
/// <see cref="Unreachable(Uri?, string)"/>.
/// </remarks>
public static class ProblemDetailsReader
{
    /// <summary>Reads the refusal an error answer carries.</summary>
    /// <param name="response">An answer whose status is not a success.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The refusal, with the service's detail when it gave one.</returns>
    public static async Task<Refusal> ReadRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        // At most 1 MiB of an error page is read (AnswerBody): a problem is a few hundred bytes.
        var body = await AnswerBody.ReadAsync(response.Content, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var (code, detail) = body is null ? (null, null) : Parse(System.Text.Encoding.UTF8.GetString(body));
        if (code is not null)
        {
            return ErrorCatalogue.Find(code) is { } known
                ? new Refusal(known, detail ?? known.Message)
                : new Refusal(status >= 500 ? ErrorCatalogue.ServiceUnavailable : ErrorCatalogue.ForHttpStatus(status),
                    $"The service refused with {code} ({status}), a code this version of ProductKeys does not know: {detail ?? "no detail"}. Update ProductKeys to handle it.");
        }

        var answered = $"The service answered {status} {response.ReasonPhrase} without an error code"
            + (body is null ? $" and a body longer than {AnswerBody.MaxText}" : "");
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => new Refusal(ErrorCatalogue.RateLimited, $"{answered}: wait a minute and try again."),
            _ when status >= 500 => new Refusal(ErrorCatalogue.ServiceUnavailable, $"{answered}: it, or a proxy before it, is failing."),
            _ => new Refusal(ErrorCatalogue.ServiceUnreachable, $"{answered}: is {Origin(response.RequestMessage?.RequestUri)} a ProductKeys licensing service?"),
        };
    }

    /// <summary>
    /// As <see cref="ReadRefusalAsync(HttpResponseMessage, CancellationToken)"/>, for an endpoint that never answers 404 itself
    /// (a device's, KMS host's or CAL server's activation, a KMS host's <c>/kms/v1/activate</c>, a CAL server's <c>/api/v1/cals</c>):
    /// a 404 there comes from a server of another kind (a KMS host's port given as the service, the licensing service's port
    /// given to <c>pk skms</c> or <c>--cal-server</c>), and is SERVICE_UNREACHABLE naming the address, not NOT_FOUND's "check the name, id or path".
    /// </summary>
    /// <param name="response">An answer whose status is not a success.</param>
    /// <param name="expected">What the address should have been, e.g. "a KMS host".</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The refusal.</returns>
    public static async Task<Refusal> ReadRefusalAsync(HttpResponseMessage response, string expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            return await ReadRefusalAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var request = response.RequestMessage;
        return new Refusal(ErrorCatalogue.ServiceUnreachable,
            $"{Origin(request?.RequestUri)} answered 404 Not Found to {request?.Method.Method ?? "the request"} {request?.RequestUri?.AbsolutePath}: "
            + $"what listens there is not {expected}; check the address and its port.");
    }

    /// <summary>The refusal for a request that got no answer (connection refused, DNS, TLS, timeout).</summary>
    /// <param name="service">Where the request went.</param>
    /// <param name="why">What failed, e.g. the exception's message.</param>
    /// <returns>A SERVICE_UNREACHABLE refusal naming the service.</returns>
    public static Refusal Unreachable(Uri? service, string why) =>
        new(ErrorCatalogue.ServiceUnreachable, $"Could not reach {Origin(service)}: {why}");

    /// <summary>
    /// The refusal for a request that failed before an answer: <c>TLS_UNTRUSTED</c> when the server's TLS
    /// certificate was not trusted (see <see cref="Tls.ServerTrust"/>), otherwise as <see cref="Unreachable(Uri?, string)"/>.
    /// </summary>
    /// <param name="service">Where the request went.</param>
    /// <param name="exception">What the HTTP client threw.</param>
    public static Refusal Unreachable(Uri? service, HttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException)
            {
                // .NET tells an untrusted certificate and a plain-HTTP answer to the handshake apart only in its message
                // text, so the refusal names both.
                return new Refusal(ErrorCatalogue.TlsUntrusted,
                    $"The TLS handshake with {Origin(service)} failed ({e.Message.TrimEnd('.')}). If it presented a certificate this client does not "
                    + "trust: install its CA in the system store, give --ca FILE, or pin its key with --pin-sha256 PIN: the pin a pk server prints "
                    + "when it starts, or for a load balancer's certificate the one docs/operations.md 'TLS' computes with openssl. "
                    + "If it serves plain HTTP, use http:// in the address.");
            }
        }

        if (exception.HttpRequestError == HttpRequestError.ResponseEnded && service is { IsAbsoluteUri: true } && service.Scheme == Uri.UriSchemeHttp)
        {
            // What an HTTPS listener does with a plain-HTTP request: .NET's own words ("An error occurred while sending the request")
            // do not point at the scheme.
            return Unreachable(service, "it closed the connection without an HTTP answer: if it serves HTTPS, use https:// in the address.");
        }

        return Unreachable(service, exception.Message);
    }

    private static string Origin(Uri? uri) => uri is { IsAbsoluteUri: true } ? uri.GetLeftPart(UriPartial.Authority) : uri?.ToString() ?? "the service";

    private static (string? Code, string? Detail) Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return (code, detail);
        }
        catch (JsonException)
        {
            return (null, null); // not problem details: the status decides
        }
    }
}
