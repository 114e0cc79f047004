using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;

namespace ProductKeys.KmsHost.Activation;

/// <summary>
/// What a KMS host asks the licensing service, once: its publisher keys
/// (<c>GET /api/v1/publisher-keys</c>) and its activation (<c>POST /api/v1/kms-host-activations</c>).
/// </summary>
public sealed class PublisherServiceClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The service's publisher keys.</summary>
    public Task<Outcome<PublisherKeysResponse>> GetPublisherKeysAsync(Uri service, CancellationToken cancellationToken) =>
        SendAsync<PublisherKeysResponse>(new HttpRequestMessage(HttpMethod.Get, new Uri(service, "api/v1/publisher-keys")), cancellationToken);

    /// <summary>Activates the host with its KMS host key.</summary>
    public Task<Outcome<KmsHostActivationResponse>> ActivateAsync(Uri service, KmsHostActivationRequest request, CancellationToken cancellationToken) =>
        SendAsync<KmsHostActivationResponse>(
            new HttpRequestMessage(HttpMethod.Post, new Uri(service, "api/v1/kms-host-activations")) { Content = JsonContent.Create(request, options: Json) },
            cancellationToken);

    private async Task<Outcome<T>> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
        where T : class
    {
        using (request)
        {
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return JsonSerializer.Deserialize<T>(text, Json) is { } body
                        ? body
                        : new Refusal(ErrorCatalogue.ServiceUnreachable, "The service sent an empty answer.");
                }

                using var problem = JsonDocument.Parse(text);
                return problem.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                    && ErrorCatalogue.Find(code.GetString()!) is { } error
                    ? new Refusal(error, problem.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : error.Message)
                    : new Refusal(ErrorCatalogue.ServiceUnreachable, $"The service answered {(int)response.StatusCode} without an error code.");
            }
            catch (HttpRequestException e)
            {
                return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{request.RequestUri}: {e.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{request.RequestUri}: no answer in time.");
            }
            catch (JsonException e)
            {
                return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{request.RequestUri} answered something that is not ProductKeys JSON: {e.Message}");
            }
        }
    }
}
