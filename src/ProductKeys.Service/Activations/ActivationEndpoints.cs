using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using ProductKeys.AdminApi.Activations;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Service.ApiDocs;
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
        var devices = api.MapGroup("").WithTags(ApiTags.Devices).AllowAnonymous();
        devices.MapGet("/publisher-keys", (PublisherSigning signing) => TypedResults.Ok(signing.Describe()))
            .Describe("GetPublisherKeys", "The publisher's public keys devices pin to verify certificates and licenses.");
        devices.MapPost("/activations", ActivateMakAsync)
            .Describe("ActivateMak", "A device activates with a MAK; answers a signed activation certificate.")
            .Refuses(ErrorCatalogue.KeyMalformed, ErrorCatalogue.KeyChecksum, ErrorCatalogue.KeyUnknown, ErrorCatalogue.SecretsMismatch, ErrorCatalogue.KeyNotForProduct,
                ErrorCatalogue.SetupKeyCannotActivate, ErrorCatalogue.KmsClientKeyOnline, ErrorCatalogue.KeyWrongUse, ErrorCatalogue.KeyBlocked,
                ErrorCatalogue.MakLimitReached, ErrorCatalogue.Conflict, ErrorCatalogue.RateLimited)
            .Example(new MakActivationRequest("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX", "contoso-desktop", "hw1.AQEB…"),
                new MakActivationResponse("9d4c2a7e-…", "pk-activation-certificate-v1 …", Reactivation: false, ActivationsUsed: 13, ActivationLimit: 125));
        devices.MapPost("/kms-host-activations", ActivateKmsHostAsync)
            .Describe("ActivateKmsHost", "A KMS host activates with its KMS host key; answers a signed host certificate.")
            .Refuses(ErrorCatalogue.KeyMalformed, ErrorCatalogue.KeyChecksum, ErrorCatalogue.KeyUnknown, ErrorCatalogue.SecretsMismatch, ErrorCatalogue.SetupKeyCannotActivate,
                ErrorCatalogue.KeyWrongUse, ErrorCatalogue.KeyBlocked, ErrorCatalogue.KmsHostKeyLimit, ErrorCatalogue.RateLimited)
            .Example(new KmsHostActivationRequest("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX", "kms-host-01", "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----"));
        devices.MapPost("/cal-pack-activations", ActivateCalPackAsync)
            .Describe("ActivateCalPack", "Install a CAL pack on a CAL server: the CAL order's MAK and the server's ID and key; answers a signed pack certificate.")
            .Refuses(ErrorCatalogue.KeyMalformed, ErrorCatalogue.KeyChecksum, ErrorCatalogue.KeyUnknown, ErrorCatalogue.SecretsMismatch, ErrorCatalogue.KeyNotForProduct,
                ErrorCatalogue.KeyWrongUse, ErrorCatalogue.KeyBlocked, ErrorCatalogue.MakLimitReached, ErrorCatalogue.CalModeMismatch,
                ErrorCatalogue.ValidationFailed, ErrorCatalogue.RateLimited);

        var customers = api.MapGroup("").WithTags(ApiTags.Devices);
        customers.MapPost("/offline-activations", ActivateOfflineAsync)
            .Describe("ActivateOffline", "Activate offline requests for air-gapped devices; one response per request, in order (refusals inside).");
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
