using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using ProductKeys.Core.Contracts;
using ProductKeys.Service.Errors;

namespace ProductKeys.Service.Activations;

/// <summary>
/// What devices and KMS hosts call (no user token): publisher keys, MAK activation, KMS host
/// activation. And what signed-in customers call for devices: offline batches and key use.
/// </summary>
internal static class ActivationEndpoints
{
    public static RouteGroupBuilder MapActivations(this RouteGroupBuilder api)
    {
        var devices = api.MapGroup("").WithTags("Devices").AllowAnonymous();
        devices.MapGet("/publisher-keys", (PublisherSigning signing) => TypedResults.Ok(signing.Describe()));
        devices.MapPost("/activations", ActivateMakAsync);
        devices.MapPost("/kms-host-activations", ActivateKmsHostAsync);
        devices.MapPost("/cal-pack-activations", ActivateCalPackAsync)
            .WithName("ActivateCalPack")
            .WithSummary("Install a CAL pack on a CAL server: the CAL order's MAK and the server's ID and key → a signed pack certificate.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var customers = api.MapGroup("").WithTags("Devices");
        customers.MapPost("/offline-activations", ActivateOfflineAsync);
        return api;
    }

    private static async Task<Results<Ok<MakActivationResponse>, ProblemHttpResult>> ActivateMakAsync(
        MakActivationRequest request, MakActivations activations, HttpContext http, CancellationToken ct)
    {
        var outcome = await activations.ActivateAsync(request, Address(http), ct);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value) : ApiProblems.From(outcome.Refusal);
    }

    private static async Task<Results<Ok<KmsHostActivationResponse>, ProblemHttpResult>> ActivateKmsHostAsync(
        KmsHostActivationRequest request, KmsHostActivations activations, HttpContext http, CancellationToken ct)
    {
        var outcome = await activations.ActivateAsync(request, Address(http), ct);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value) : ApiProblems.From(outcome.Refusal);
    }

    private static async Task<Results<Ok<CalPackActivationResponse>, ProblemHttpResult>> ActivateCalPackAsync(
        CalPackActivationRequest request, CalPackActivations activations, HttpContext http, CancellationToken ct)
    {
        var outcome = await activations.ActivateAsync(request, Address(http), ct);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value) : ApiProblems.From(outcome.Refusal);
    }

    private static async Task<Results<Ok<OfflineActivationResults>, ProblemHttpResult>> ActivateOfflineAsync(
        OfflineActivationBatch batch, OfflineActivations offline, IOptions<ActivationOptions> options, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var max = options.Value.MaxOfflineBatch;
        if (batch.Requests is not { Count: > 0 } requests || requests.Count > max)
        {
            return ApiProblems.Validation($"'requests' must hold 1 to {max} offline activation requests.");
        }

        var responses = new List<OfflineActivationResponse>(requests.Count);
        foreach (var request in requests)
        {
            responses.Add(await offline.ActivateAsync(request, user, Address(http), ct));
        }

        return TypedResults.Ok(new OfflineActivationResults(responses));
    }

    private static IPAddress? Address(HttpContext http) => http.Connection.RemoteIpAddress;
}
