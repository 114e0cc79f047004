using System.Net.Http.Json;
using System.Text.Json;
using ProductKeys.Client.Activation;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Kms;

/// <summary>The KMS protocol over HTTP: <c>POST http://host:port/kms/v1/activate</c> (docs/formats/kms-protocol-v1.md).</summary>
public sealed class HttpKmsTransport(HttpClient http) : IKmsTransport
{
    /// <inheritdoc />
    public async Task<Outcome<KmsActivationResponse>> SendAsync(KmsHostAddress host, KmsActivationRequest request, CancellationToken cancellationToken)
    {
        using var deadline = AnswerBody.Deadline(http, cancellationToken);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, host.ActivateUri)
            {
                Content = JsonContent.Create(request, ServiceJsonContext.Default.KmsActivationRequest),
            };
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var bytes = await AnswerBody.ReadAsync(response.Content, deadline.Token).ConfigureAwait(false);
                if (bytes is null)
                {
                    return Unreachable(host, $"an answer longer than {AnswerBody.MaxText}, which no KMS host sends");
                }

                var body = JsonSerializer.Deserialize(bytes, ServiceJsonContext.Default.KmsActivationResponse);
                return body is null ? Unreachable(host, "an empty answer") : body;
            }

            var refusal = await ProblemDetailsReader.ReadRefusalAsync(response, "a KMS host (is it the licensing service or a CAL server?)", deadline.Token).ConfigureAwait(false);
            return refusal.Error == ErrorCatalogue.ServiceUnreachable || refusal.Error == ErrorCatalogue.ServiceUnavailable ? Unreachable(host, refusal.Detail.TrimEnd('.')) : refusal;
        }
        catch (HttpRequestException e)
        {
            var refusal = ProblemDetailsReader.Unreachable(host.ActivateUri, e);
            return refusal.Error == ErrorCatalogue.TlsUntrusted ? refusal : Unreachable(host, e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unreachable(host, "no answer in time");
        }
        catch (JsonException e)
        {
            return Unreachable(host, $"not a KMS answer ({e.Message})");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Anything else a host's answer can provoke (an unknown charset, a broken stream) is a
            // host this client cannot use, not a reason to stop the product's renewals.
            return Unreachable(host, $"not a usable answer ({e.Message.TrimEnd('.')})");
        }
    }

    private static Refusal Unreachable(KmsHostAddress host, string why) =>
        new(ErrorCatalogue.KmsUnreachable, $"KMS host {host}: {why}.");
}
