using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Kms;

namespace ProductKeys.KmsHost.Clients;

/// <summary><c>POST /kms/v1/activate</c>: the one request a KMS client makes (docs/formats/kms-protocol-v1.md).</summary>
internal static class KmsClientEndpoints
{
    /// <summary>Largest request body accepted; a real request is under 1 KiB.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapKmsClients(this IEndpointRouteBuilder app)
    {
        app.MapPost(KmsProtocol.ActivatePath, ActivateAsync);
        return app;
    }

    private static async Task<Results<Ok<KmsActivationResponse>, ProblemHttpResult>> ActivateAsync(
        HttpContext context, KmsClientActivation activation, KmsMetrics metrics, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var body = await ReadAsync(context.Request, cancellationToken);
        if (!body.IsSuccess)
        {
            metrics.Answered(body.Refusal.Code, null, time.GetElapsedTime(started));
            return KmsProblems.From(body.Refusal);
        }

        var answer = await activation.HandleAsync(body.Value);
        var result = answer.IsSuccess ? answer.Value.Code ?? "ACTIVATED" : answer.Refusal.Code;
        // Only known states become tags: a client must not be able to create new time series.
        var state = body.Value?.ClientState is { } s && KmsRequestValidator.ClientStates.Contains(s) ? s : null;
        metrics.Answered(result, state, time.GetElapsedTime(started));
        return answer.IsSuccess ? TypedResults.Ok(answer.Value) : KmsProblems.From(answer.Refusal);
    }

    private static async Task<Outcome<KmsActivationRequest?>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return new Refusal(ErrorCatalogue.UnsupportedMediaType);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return new Refusal(ErrorCatalogue.PayloadTooLarge, $"A KMS request is at most {MaxBodyBytes} bytes.");
        }

        // Read at most one byte more than allowed, so a body without Content-Length is bounded too.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBodyBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxBodyBytes)
                {
                    return new Refusal(ErrorCatalogue.PayloadTooLarge, $"A KMS request is at most {MaxBodyBytes} bytes.");
                }
            }

            return JsonSerializer.Deserialize(buffer.AsSpan(0, length), KmsJsonContext.Default.KmsActivationRequest);
        }
        catch (JsonException e)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, e.Path is { Length: > 1 } path
                ? $"The body is not a KMS request: {path} has the wrong type or is not valid JSON."
                : "The body is not a KMS request: send one JSON object (docs/formats/kms-protocol-v1.md).");
        }
        catch (BadHttpRequestException e)
        {
            return new Refusal(e.StatusCode == StatusCodes.Status413PayloadTooLarge ? ErrorCatalogue.PayloadTooLarge : ErrorCatalogue.ValidationFailed, e.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
