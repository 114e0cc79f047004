using System.Net;
using System.Security.Claims;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Keys;
using ProductKeys.Data;
using ProductKeys.Service.Accounts;

namespace ProductKeys.Service.Activations;

/// <summary>
/// Proxy activation for air-gapped sites: a signed-in user who may see the keys of the key's
/// billing account (the key rule) submits device requests; each is activated exactly as online and
/// answered with its certificate or its refusal code.
/// </summary>
internal sealed class OfflineActivations(LicensingDbContext db, IssuedKeyLookup lookup, MakActivations activations)
{
    public async Task<OfflineActivationResponse> ActivateAsync(OfflineActivationRequest? request, ClaimsPrincipal user, IPAddress? client, CancellationToken ct)
    {
        if (request is null || request.Format != OfflineActivationRequest.FormatV1)
        {
            return Refused(request?.HardwareId, new Refusal(ErrorCatalogue.OfflineDataInvalid, $"Not a {OfflineActivationRequest.FormatV1} request."));
        }

        var allowed = await MayActivateAsync(request.Key, user, client, ct);
        if (allowed is not null)
        {
            return Refused(request.HardwareId, allowed);
        }

        var outcome = await activations.ActivateAsync(new MakActivationRequest(request.Key, request.Product, request.HardwareId), client, ct);
        return outcome.IsSuccess
            ? new OfflineActivationResponse(OfflineActivationResponse.FormatV1, request.HardwareId, outcome.Value.Certificate, null, null)
            : Refused(request.HardwareId, outcome.Refusal);
    }

    /// <summary>
    /// The key rule on the key's billing account. The key's security value is checked first (and
    /// counted by the guess throttle), so a forged key never reveals whether its serial exists in
    /// another customer's account. Keys that are not MAKs fall through to the activation's own refusal.
    /// </summary>
    private async Task<Refusal?> MayActivateAsync(string? keyText, ClaimsPrincipal user, IPAddress? client, CancellationToken ct)
    {
        var parsed = lookup.Parse(keyText, client);
        if (!parsed.IsSuccess)
        {
            return parsed.Refusal;
        }

        if (parsed.Value.Type != KeyType.Mak)
        {
            return null;
        }

        var found = await lookup.FindAsync(parsed.Value, client, ct);
        if (!found.IsSuccess)
        {
            return found.Refusal;
        }

        var access = await AccountAccess.FindAsync(db, user, found.Value.BillingAccountId, role => AccessRules.MayViewKeys(user, role), ct);
        // Another customer's key is as unknown as a forgery (as /keys/lookup): NOT_FOUND would name its billing account.
        return access.IsSuccess ? null
            : access.Refusal.Error == ErrorCatalogue.NotFound ? new Refusal(ErrorCatalogue.KeyUnknown)
            : access.Refusal;
    }

    private static OfflineActivationResponse Refused(string? hardwareId, Refusal refusal) =>
        new(OfflineActivationResponse.FormatV1, hardwareId, null, refusal.Code, refusal.Detail);
}
