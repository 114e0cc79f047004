using System.Text.Json;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Activation;

/// <summary>Turns an RFC 9457 problem-details answer with a <c>code</c> member back into a <see cref="Refusal"/>.</summary>
public static class ProblemDetailsReader
{
    /// <summary>Reads the refusal an error answer carries.</summary>
    public static async Task<Refusal> ReadRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var code = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var detail = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            if (code is not null && ErrorCatalogue.Find(code) is { } error)
            {
                return new Refusal(error, detail ?? error.Message);
            }
        }
        catch (JsonException)
        {
            // Not problem details: fall through to the status code.
        }

        return new Refusal(ErrorCatalogue.ServiceUnreachable, $"The service answered {(int)response.StatusCode} {response.ReasonPhrase} without an error code.");
    }
}
