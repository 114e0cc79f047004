using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Admin;

/// <summary>
/// The licensing service's REST API for admin commands. Answers are JSON nodes (printed as they
/// came with --json); problem details become refusals with their catalogue code.
/// </summary>
internal sealed class ServiceClient : IDisposable
{
    private readonly HttpClient _http;

    public ServiceClient(Uri service, string? token)
    {
        _http = new HttpClient { BaseAddress = service, Timeout = Timeout.InfiniteTimeSpan };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri Service => _http.BaseAddress!;

    public Task<Outcome<JsonNode?>> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<Outcome<JsonNode?>> PostAsync(string path, object? body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<Outcome<JsonNode?>> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    /// <summary>For streamed answers (exports): the open response, headers read, body not yet.</summary>
    public async Task<Outcome<HttpResponseMessage>> OpenAsync(string path, CancellationToken ct)
    {
        try
        {
            var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                return await ToRefusalAsync(response, ct);
            }
        }
        catch (HttpRequestException ex)
        {
            return Unreachable(ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<Outcome<JsonNode?>> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path.TrimStart('/'));
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            using var response = await _http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                return await ToRefusalAsync(response, ct);
            }

            var text = await response.Content.ReadAsStringAsync(ct);
            return text.Length == 0 ? new Outcome<JsonNode?>((JsonNode?)null) : JsonNode.Parse(text);
        }
        catch (HttpRequestException ex)
        {
            return Unreachable(ex);
        }
        catch (JsonException)
        {
            return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{Service} did not answer with JSON: is it a ProductKeys licensing service?");
        }
    }

    private Refusal Unreachable(HttpRequestException ex) =>
        new(ErrorCatalogue.ServiceUnreachable, $"Could not reach {Service}: {ex.Message}");

    /// <summary>Maps the problem details' <c>code</c> back to the catalogue, so exit codes match the service's refusal.</summary>
    private static async Task<Refusal> ToRefusalAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            var problem = JsonNode.Parse(text);
            var code = problem?["code"]?.GetValue<string>();
            var detail = problem?["detail"]?.GetValue<string>();
            if (code is not null && ErrorCatalogue.Find(code) is { } error)
            {
                return new Refusal(error, detail ?? error.Message);
            }
        }
        catch (JsonException)
        {
            // Not problem details: fall through to a code chosen by status.
        }

        var status = (int)response.StatusCode;
        var fallback = ErrorCatalogue.All.FirstOrDefault(e => e.HttpStatus == status && e.Code is "UNAUTHENTICATED" or "FORBIDDEN" or "NOT_FOUND" or "RATE_LIMITED")
            ?? (status >= 500 ? ErrorCatalogue.Internal : ErrorCatalogue.ValidationFailed);
        return new Refusal(fallback, $"The service answered {status} {response.ReasonPhrase}.");
    }
}
