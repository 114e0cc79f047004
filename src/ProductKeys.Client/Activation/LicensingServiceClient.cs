using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Activation;

/// <summary>
/// What devices and KMS hosts ask the licensing service: its publisher keys, a MAK activation,
/// a KMS host activation. Refusals
/// come back as problem details with a stable <c>code</c> and are returned as <see cref="Refusal"/>.
/// </summary>
public sealed class LicensingServiceClient(HttpClient http)
{
    /// <summary>The public keys the service signs with (<c>GET /api/v1/publisher-keys</c>).</summary>
    public Task<Outcome<PublisherKeysResponse>> GetPublisherKeysAsync(Uri service, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, Under(service, "api/v1/publisher-keys")), ServiceJsonContext.Default.PublisherKeysResponse, cancellationToken);

    /// <summary>Activates with a MAK (<c>POST /api/v1/activations</c>).</summary>
    public Task<Outcome<MakActivationResponse>> ActivateAsync(Uri service, MakActivationRequest request, CancellationToken cancellationToken) =>
        SendAsync(
            new HttpRequestMessage(HttpMethod.Post, Under(service, "api/v1/activations")) { Content = JsonContent.Create(request, ServiceJsonContext.Default.MakActivationRequest) },
            ServiceJsonContext.Default.MakActivationResponse,
            cancellationToken);

    /// <summary>Activates a KMS host with its KMS host key (<c>POST /api/v1/kms-host-activations</c>).</summary>
    public Task<Outcome<KmsHostActivationResponse>> ActivateKmsHostAsync(Uri service, KmsHostActivationRequest request, CancellationToken cancellationToken) =>
        SendAsync(
            new HttpRequestMessage(HttpMethod.Post, Under(service, "api/v1/kms-host-activations")) { Content = JsonContent.Create(request, ServiceJsonContext.Default.KmsHostActivationRequest) },
            ServiceJsonContext.Default.KmsHostActivationResponse,
            cancellationToken);

    /// <summary>
    /// <paramref name="path"/> under the service URL taken as a folder: <c>https://example/licensing</c> (behind a
    /// reverse proxy) is asked at <c>/licensing/api/v1/…</c>, not at the proxy's root.
    /// </summary>
    private static Uri Under(Uri service, string path)
    {
        ArgumentNullException.ThrowIfNull(service);
        var folder = service.IsAbsoluteUri && !service.AbsolutePath.EndsWith('/') ? new UriBuilder(service) { Path = service.AbsolutePath + "/" }.Uri : service;
        return new Uri(folder, path);
    }

    private async Task<Outcome<T>> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
        where T : class
    {
        using (request)
        {
            using var deadline = AnswerBody.Deadline(http, cancellationToken);
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var bytes = await AnswerBody.ReadAsync(response.Content, deadline.Token).ConfigureAwait(false);
                    if (bytes is null)
                    {
                        return new Refusal(ErrorCatalogue.ServiceUnreachable,
                            $"{request.RequestUri} answered more than {AnswerBody.MaxText}, which no ProductKeys licensing service sends: is the URL right?");
                    }

                    var body = JsonSerializer.Deserialize(bytes, answer);
                    return body is null
                        ? new Refusal(ErrorCatalogue.ServiceUnreachable, "The service sent an empty answer.")
                        : body;
                }

                return await ProblemDetailsReader.ReadRefusalAsync(response, "a ProductKeys licensing service (is it a KMS host or a CAL server?)", deadline.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                return ProblemDetailsReader.Unreachable(request.RequestUri, e);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ProblemDetailsReader.Unreachable(request.RequestUri, "no answer in time.");
            }
            catch (JsonException e)
            {
                return new Refusal(ErrorCatalogue.ServiceUnreachable, $"{request.RequestUri} answered something that is not ProductKeys JSON: {e.Message}");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // An unknown charset, a broken stream: a service this client cannot use, not a crash.
                return ProblemDetailsReader.Unreachable(request.RequestUri, $"not a usable answer ({e.Message.TrimEnd('.')}).");
            }
        }
    }
}
